import { createLogger } from "@wikistream/log";
import { sampleSum } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import { CredentialHealth } from "./credential-health.ts";
import { createIndexerMetrics } from "./metrics.ts";

function health() {
  const lines: string[] = [];
  const metrics = createIndexerMetrics({ defaultMetrics: false });
  const logger = createLogger({ level: "info", write: (line) => void lines.push(line) });
  return { credentials: new CredentialHealth(metrics, logger), metrics, lines };
}

describe("CredentialHealth", () => {
  it("counts every refusal by target and cause, logs the first and the recovery only", async () => {
    const { credentials, metrics, lines } = health();
    expect(credentials.refused).toBeUndefined();
    credentials.refuse("opensearch", "unauthorized", "Restore the password");
    credentials.refuse("opensearch", "unauthorized", "Restore the password");
    credentials.refuse("kafka", "authentication", "check KAFKA_SASL_PASSWORD");
    expect(credentials.refused).toMatchObject({
      opensearch: { cause: "unauthorized" },
      kafka: { cause: "authentication" },
    });
    const text = await metrics.registry.metrics();
    const name = "wikistream_indexer_auth_failures_total";
    expect(sampleSum(text, name, { target: "opensearch", cause: "unauthorized" })).toBe(2);
    expect(sampleSum(text, name, { target: "kafka", cause: "authentication" })).toBe(1);
    expect(lines.filter((line) => line.includes('"level":"error"'))).toHaveLength(2);

    credentials.accept("opensearch");
    credentials.accept("opensearch");
    expect(credentials.refused).toEqual({ kafka: expect.objectContaining({ cause: "authentication" }) });
    credentials.accept("kafka");
    expect(credentials.refused).toBeUndefined();
    expect(lines.filter((line) => line.includes("accepts the indexer's credentials again"))).toHaveLength(2);
  });
});
