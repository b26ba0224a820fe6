import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { ConsumerCrashedError } from "../errors.ts";
import { explainStartupError } from "./explain.ts";

const config = {
  kafkaBrokers: ["127.0.0.1:9093"],
  opensearchUrl: ["http://127.0.0.1:9200"],
  httpHost: "127.0.0.1",
  httpPort: 8082,
  kafkaSecurity: {
    ssl: undefined,
    sasl: { mechanism: "scram-sha-512" as const, username: "wikistream-indexer", password: "pw" },
  },
};
const joinFailure = (cause: Error) =>
  new ConsumerCrashedError(`the consumer could not join group g1: ${cause.message}`, {
    cause,
    context: { groupId: "g1" },
  });

describe("explainStartupError: the consumer refused before it joined its group", () => {
  it("regression: a group without the principal's Read ACL ended the indexer with no explained line", () => {
    // What kafkajs crashes with when FindCoordinator answers GROUP_AUTHORIZATION_FAILED (its typings
    // declare no constructor arguments; the class takes the message like the others).
    const NotFound = kafkajs.KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error;
    const line = explainStartupError(joinFailure(new NotFound("Failed to find group coordinator")), config);
    expect(line).toContain("group g1 (INDEXER_GROUP_ID)");
    expect(line).toContain("GROUP_AUTHORIZATION_FAILED");
    expect(line).toContain("--add --allow-principal User:wikistream-indexer --operation Read --group g1");
    expect(line).not.toContain("pw");
  });

  it("a typed refusal names its topic", () => {
    const denied = new kafkajs.KafkaJSProtocolError({
      message: "Not authorized to access topics: [Topic authorization failed]",
      type: "TOPIC_AUTHORIZATION_FAILED",
      code: 29,
      retriable: false,
    } as never);
    Object.assign(denied, { topic: "t1" });
    const line = explainStartupError(joinFailure(denied), config);
    expect(line).toContain("refused the consumer of group g1 (TOPIC_AUTHORIZATION_FAILED, topic t1)");
    expect(line).toContain("--operation Describe --topic t1");
  });
});
