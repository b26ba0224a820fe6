import { describeExposition, namingProblems, scrape } from "@wikistream/metrics";
import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { createIngestMetrics } from "./metrics.ts";

describe("ingest metrics", () => {
  it("follow Prometheus naming: base unit last, _total on counters", async () => {
    const { body } = await scrape(createIngestMetrics().registry);
    const own = describeExposition(body).filter((metric) => metric.name.startsWith("wikistream_"));
    expect(own.length).toBeGreaterThan(10);
    expect(own.flatMap(namingProblems)).toEqual([]);
  });

  it("say which build runs in wikistream_build_info", async () => {
    const { body } = await scrape(
      createIngestMetrics({ defaultMetrics: false, revision: "0123abc" }).registry,
    );
    expect(body).toContain(
      `wikistream_build_info{version="${packageJson.version}",revision="0123abc",runtime="node",runtime_version="${process.versions.node}"} 1`,
    );
    const unknown = await scrape(createIngestMetrics({ defaultMetrics: false }).registry);
    expect(unknown.body).toMatch(/^wikistream_build_info\{[^}]*revision="unknown"[^}]*\} 1$/m);
  });

  it("carry no app label (the scrape config sets it) and the process metrics under their standard names", async () => {
    const { body } = await scrape(createIngestMetrics().registry);
    expect(body).not.toMatch(/[{,]app="/);
    expect(body).toMatch(/^process_cpu_seconds_total /m);
    expect(body).toMatch(/^process_resident_memory_bytes /m);
    expect(body).not.toMatch(/^wikistream_(process|nodejs)_/m);
  });
});
