import { Counter } from "prom-client";
import { describe, expect, it } from "vitest";
import { createRegistry, scrape } from "./registry.ts";

describe("createRegistry", () => {
  it("keeps each app's series apart and labels them with the app", async () => {
    const a = createRegistry({ app: "ingest", defaultMetrics: false });
    const b = createRegistry({ app: "indexer", defaultMetrics: false });
    new Counter({ name: "wikistream_test_total", help: "test", registers: [a] }).inc();
    const { body, contentType } = await scrape(a);
    expect(contentType).toContain("text/plain");
    expect(body).toContain('wikistream_test_total{app="ingest"} 1');
    expect((await scrape(b)).body).not.toContain("wikistream_test_total");
  });
});
