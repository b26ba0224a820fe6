import { WikistreamError } from "@wikistream/resilience";
import { KafkaJSProtocolError } from "kafkajs";
import { describe, expect, it } from "vitest";
import { explainKafkaStartupError, kafkaAclFix } from "./explain.ts";

const security = {
  ssl: undefined,
  sasl: { mechanism: "scram-sha-512" as const, username: "wikistream-ingest", password: "secret" },
};
const settings = { brokers: ["b1:9093"], timeoutVariable: "INGEST_STARTUP_TIMEOUT_MS", security };
const denied = (type: string) =>
  new KafkaJSProtocolError({ message: `broker says ${type}`, type, code: 29, retriable: false } as never);

describe("explainKafkaStartupError for a missing ACL", () => {
  it("names the principal, the topic and the kafka-acls.sh command that grants it", () => {
    const error = new WikistreamError(
      "kafka_topic_metadata_failed",
      "reading the metadata of topic t1 failed",
      {
        cause: denied("TOPIC_AUTHORIZATION_FAILED"),
        context: { topic: "t1" },
      },
    );
    const line = explainKafkaStartupError(error, settings) ?? "";
    expect(line).toContain("denied access (TOPIC_AUTHORIZATION_FAILED, topic t1)");
    expect(line).toContain(
      "kafka-acls.sh --bootstrap-server b1:9093 --command-config admin.properties --add --allow-principal User:wikistream-ingest --operation Describe --topic t1",
    );
    expect(line).not.toContain("secret");
  });

  it("a group refusal asks for Read on the group; an unknown principal is a placeholder", () => {
    const fix = kafkaAclFix({ type: "GROUP_AUTHORIZATION_FAILED", group: "g1" }, "b1:9093");
    expect(fix).toContain("--allow-principal User:<principal> --operation Read --group g1");
    expect(
      kafkaAclFix({ type: "TOPIC_AUTHORIZATION_FAILED", topic: "t", operation: "Write" }, "b"),
    ).toContain("--operation Write --topic t");
  });
});
