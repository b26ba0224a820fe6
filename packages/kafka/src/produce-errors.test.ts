import { describe, expect, it } from "vitest";
import { classifyProduceError, produceErrorCode } from "./produce-errors.ts";

const protocol = (type: string, retriable: boolean) =>
  Object.assign(new Error(type), { name: "KafkaJSProtocolError", type, retriable });
const wrapped = (name: string, cause: Error) =>
  Object.assign(new Error(cause.message), { name, retriable: false, cause });

describe("classifyProduceError", () => {
  it("recognises a size refusal however kafkajs wraps it", () => {
    expect(classifyProduceError(protocol("MESSAGE_TOO_LARGE", false))).toBe("too_large");
    expect(
      classifyProduceError(wrapped("KafkaJSNonRetriableError", protocol("RECORD_LIST_TOO_LARGE", false))),
    ).toBe("too_large");
  });

  it("treats kafkajs' retries running out as transient (a broker away), not as non-retriable", () => {
    const exhausted = wrapped("KafkaJSNumberOfRetriesExceeded", protocol("LEADER_NOT_AVAILABLE", true));
    expect(classifyProduceError(exhausted)).toBe("retry");
    expect(classifyProduceError(new Error("Connection error"))).toBe("retry");
  });

  it("reports what kafkajs says cannot succeed by retrying", () => {
    const denied = wrapped("KafkaJSNonRetriableError", protocol("TOPIC_AUTHORIZATION_FAILED", false));
    expect(classifyProduceError(denied)).toBe("non_retriable");
    expect(produceErrorCode(denied)).toBe("TOPIC_AUTHORIZATION_FAILED");
    expect(produceErrorCode(new Error("x"))).toBe("unknown");
  });

  it("names a refused SASL login, which kafkajs raises without the broker's type (a rotated password)", () => {
    const sasl = Object.assign(new Error("SASL SCRAM SHA512 authentication failed"), {
      name: "KafkaJSSASLAuthenticationError",
      retriable: false,
    });
    expect(classifyProduceError(sasl)).toBe("non_retriable");
    expect(produceErrorCode(sasl)).toBe("SASL_AUTHENTICATION_FAILED");
  });

  it("tells a sequence error (a new producer may clear it) from other non-retriable ones", () => {
    const outOfOrder = wrapped("KafkaJSNonRetriableError", protocol("OUT_OF_ORDER_SEQUENCE_NUMBER", false));
    expect(classifyProduceError(outOfOrder)).toBe("sequence");
    expect(classifyProduceError(protocol("UNKNOWN_PRODUCER_ID", false))).toBe("sequence");
    expect(classifyProduceError(protocol("INVALID_PRODUCER_EPOCH", false))).toBe("sequence");
    expect(
      classifyProduceError(wrapped("KafkaJSNonRetriableError", protocol("INVALID_TIMESTAMP", false))),
    ).toBe("non_retriable");
    expect(classifyProduceError(protocol("CLUSTER_AUTHORIZATION_FAILED", false))).toBe("non_retriable");
  });
});
