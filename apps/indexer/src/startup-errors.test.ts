import { describe, expect, it } from "vitest";
import { IndexTemplateError } from "./errors.ts";
import { explainStartupError } from "./startup-errors.ts";

const config = {
  kafkaBrokers: ["127.0.0.1:9092"],
  opensearchUrl: "http://admin:secret@127.0.0.1:9200",
  httpHost: "127.0.0.1",
  httpPort: 8082,
};

describe("explainStartupError", () => {
  it("regression: an unreachable Kafka did not name KAFKA_BROKERS or the local stack", () => {
    const error = Object.assign(new Error("Connection error: connect ECONNREFUSED 127.0.0.1:9092"), {
      name: "KafkaJSNumberOfRetriesExceeded",
    });
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

  it("names the port already in use", () => {
    const error = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
    expect(explainStartupError(error, config)).toContain("INDEXER_HTTP_PORT=8082");
  });
});
