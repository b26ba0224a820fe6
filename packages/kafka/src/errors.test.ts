import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import {
  classifyKafkaError,
  describeKafkaFailure,
  isRetriableKafkaFailure,
  PartitionLeaderError,
} from "./errors.ts";

const {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} = kafkajs;

/** A protocol error exactly as kafkajs builds one from a broker's error code. */
function protocolError(type: string, code: number, retriable: boolean) {
  return new KafkaJSProtocolError({ message: `broker says ${type}`, type, code, retriable } as never);
}

function retriesExceeded(cause: Error) {
  return new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 1000 });
}

describe("classifyKafkaError", () => {
  it("regression: a leader election at start-up was reported as 'cannot reach Kafka'", () => {
    const failure = classifyKafkaError(retriesExceeded(protocolError("NOT_LEADER_FOR_PARTITION", 6, true)));
    expect(failure.kind).toBe("no_leader");
    expect(isRetriableKafkaFailure(failure)).toBe(true);
    expect(describeKafkaFailure(failure)).toBe("a partition has no leader (NOT_LEADER_FOR_PARTITION)");
  });

  it.each([
    ["LEADER_NOT_AVAILABLE", 5],
    ["UNKNOWN_TOPIC_OR_PARTITION", 3],
  ])("treats %s as a partition without a leader", (type, code) => {
    expect(classifyKafkaError(protocolError(type, code, true)).kind).toBe("no_leader");
  });

  it("treats a loading coordinator and a request timeout as transient", () => {
    const loading = classifyKafkaError(protocolError("GROUP_LOAD_IN_PROGRESS", 14, true));
    expect(loading).toMatchObject({ kind: "transient", type: "GROUP_LOAD_IN_PROGRESS" });
    const timeout = classifyKafkaError(
      new KafkaJSRequestTimeoutError("Request Produce timed out", {} as never),
    );
    expect(timeout.kind).toBe("transient");
  });

  it("names the partition and topic when our own metadata check found it", () => {
    const failure = classifyKafkaError(
      new PartitionLeaderError("wikistream.recentchange", 2, "LEADER_NOT_AVAILABLE"),
    );
    expect(describeKafkaFailure(failure)).toBe(
      "partition 2 of topic wikistream.recentchange has no leader (LEADER_NOT_AVAILABLE)",
    );
  });

  it("finds the cause inside an aggregate and inside our own wrappers", () => {
    const aggregate = new KafkaJSAggregateError("several", [protocolError("LEADER_NOT_AVAILABLE", 5, true)]);
    expect(classifyKafkaError(aggregate).kind).toBe("no_leader");
    const wrapped = new Error("reading offsets failed", {
      cause: new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9092", {
        broker: "127.0.0.1:9092",
        code: "ECONNREFUSED",
      }),
    });
    expect(classifyKafkaError(wrapped)).toMatchObject({ kind: "unreachable", broker: "127.0.0.1:9092" });
  });

  it("does not retry what waiting cannot fix", () => {
    // kafkajs' typings declare no constructor arguments; the class takes the message like the others.
    const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
    const auth = classifyKafkaError(new SaslError("SASL PLAIN authentication failed"));
    expect(auth.kind).toBe("authentication");
    expect(isRetriableKafkaFailure(auth)).toBe(false);
    const acl = classifyKafkaError(protocolError("TOPIC_AUTHORIZATION_FAILED", 29, false));
    expect(acl.kind).toBe("authorization");
    expect(isRetriableKafkaFailure(acl)).toBe(false);
    const other = classifyKafkaError(new Error("something else"));
    expect(other.kind).toBe("fatal");
    expect(isRetriableKafkaFailure(other)).toBe(false);
  });

  it("does not read the message: a 'broker' in an unrelated message is not a Kafka outage", () => {
    expect(classifyKafkaError(new Error("Connection error: the broker is down")).kind).toBe("fatal");
  });
});
