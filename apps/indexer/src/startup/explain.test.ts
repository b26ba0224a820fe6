import { DeadlineExceededError } from "@wikistream/resilience";
import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { IndexTemplateError } from "../errors.ts";
import { explainStartupError } from "./explain.ts";

const config = {
  kafkaBrokers: ["127.0.0.1:9092"],
  opensearchUrl: ["http://admin:secret@127.0.0.1:9200"],
  httpHost: "127.0.0.1",
  httpPort: 8082,
};

describe("explainStartupError", () => {
  it("regression: an unreachable Kafka did not name KAFKA_BROKERS or the local stack", () => {
    // What kafkajs throws once its retries of a refused connection run out.
    const refused = new kafkajs.KafkaJSConnectionError(
      "Connection error: connect ECONNREFUSED 127.0.0.1:9092",
      {
        broker: "127.0.0.1:9092",
        code: "ECONNREFUSED",
      },
    );
    const error = new kafkajs.KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 3000 });
    const line = explainStartupError(error, config);
    expect(line).toContain("KAFKA_BROKERS");
    expect(line).toContain("npm run stack:up");
  });

  it("regression: an unreachable OpenSearch or a 401 at template install did not name the setting", () => {
    const unreachable = new IndexTemplateError("component template failed", true, { context: {} });
    expect(explainStartupError(unreachable, config)).toMatch(/OPENSEARCH_URL.*npm run stack:up/);
    const refused = new IndexTemplateError("index template failed with HTTP 401", false, {
      context: { status: 401 },
    });
    const line = explainStartupError(refused, config);
    expect(line).toContain("OPENSEARCH_USERNAME");
    expect(line).not.toContain("secret");
  });

  it("regression: a read-only index or cluster (403 cluster_block_exception) was blamed on the credentials", () => {
    const blocked = new IndexTemplateError(
      "component template failed with HTTP 403 cluster_block_exception",
      false,
      {
        context: { status: 403, type: "cluster_block_exception" },
      },
    );
    const line = explainStartupError(blocked, config);
    expect(line).toContain("blocked for writes");
    expect(line).not.toContain("OPENSEARCH_USERNAME");
    const forbidden = new IndexTemplateError(
      "index template failed with HTTP 403 security_exception",
      false,
      {
        context: { status: 403, type: "security_exception" },
      },
    );
    expect(explainStartupError(forbidden, config)).toContain("OPENSEARCH_USERNAME");
  });

  it("regression: a partition without a leader was reported as 'cannot reach Kafka'", () => {
    const election = new kafkajs.KafkaJSProtocolError({
      message: "There is no leader for this topic-partition as we are in the middle of a leadership election",
      type: "LEADER_NOT_AVAILABLE",
      code: 5,
      retriable: true,
    } as never);
    const wrapped = new DeadlineExceededError("creating the topics", 60_000, 7, election);
    const line = explainStartupError(wrapped, config);
    expect(line).not.toContain("cannot reach Kafka");
    expect(line).toContain("a partition has no leader (LEADER_NOT_AVAILABLE)");
    expect(line).toContain("after 7 attempts in 60 s; INDEXER_STARTUP_TIMEOUT_MS");
  });

  it("says how long it waited for OpenSearch", () => {
    const unreachable = new IndexTemplateError("component template failed", true, { context: {} });
    const line = explainStartupError(new DeadlineExceededError("installing", 60_000, 9, unreachable), config);
    expect(line).toMatch(/OPENSEARCH_URL.*npm run stack:up.*after 9 attempts in 60 s/);
  });

  it("names the port already in use", () => {
    const error = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
    expect(explainStartupError(error, config)).toContain("INDEXER_HTTP_PORT=8082");
  });
});
