import { DeadlineExceededError } from "@wikistream/resilience";
import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { explainStartupError } from "./explain.ts";

const config = { kafkaBrokers: ["127.0.0.1:9092"], httpHost: "127.0.0.1", httpPort: 8081 };

describe("explainStartupError", () => {
  it("names KAFKA_BROKERS and the local stack when no broker answers", () => {
    const refused = new kafkajs.KafkaJSConnectionError(
      "Connection error: connect ECONNREFUSED 127.0.0.1:9092",
      {
        broker: "127.0.0.1:9092",
        code: "ECONNREFUSED",
      },
    );
    const line = explainStartupError(new DeadlineExceededError("connecting", 60_000, 12, refused), config);
    expect(line).toMatch(/^cannot reach Kafka at 127\.0\.0\.1:9092 \(KAFKA_BROKERS\)/);
    expect(line).toContain("npm run stack:up");
    expect(line).toContain("INGEST_STARTUP_TIMEOUT_MS");
  });

  it("regression: NOT_LEADER_FOR_PARTITION from ListOffsets was reported as 'cannot reach Kafka'", () => {
    const notLeader = new kafkajs.KafkaJSProtocolError({
      message: "This server is not the leader for that topic-partition",
      type: "NOT_LEADER_FOR_PARTITION",
      code: 6,
      retriable: true,
    } as never);
    const scan = new Error("reading the offsets of topic wikistream.mediawiki.recentchange failed", {
      cause: new kafkajs.KafkaJSNumberOfRetriesExceeded(notLeader, { retryCount: 5, retryTime: 3000 }),
    });
    Object.assign(scan, {
      context: { topic: "wikistream.mediawiki.recentchange" },
      code: "kafka_list_offsets_failed",
    });
    const line = explainStartupError(scan, config);
    expect(line).not.toContain("cannot reach Kafka");
    expect(line).toContain(
      "a partition of topic wikistream.mediawiki.recentchange has no leader (NOT_LEADER_FOR_PARTITION)",
    );
  });

  it("leaves errors that are not Kafka's as they are", () => {
    expect(explainStartupError(new Error("something else"), config)).toBe("something else");
  });

  it("names the port already in use", () => {
    const error = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
    expect(explainStartupError(error, config)).toContain("INGEST_HTTP_PORT=8081");
  });
});
