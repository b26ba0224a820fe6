import { Counter } from "prom-client";
import { describe, expect, it } from "vitest";
import { createRegistry, scrape } from "./registry.ts";

describe("createRegistry", () => {
  it("keeps each app's series apart, with no app label (the scrape config sets that)", async () => {
    const a = createRegistry({ defaultMetrics: false });
    const b = createRegistry({ defaultMetrics: false });
    new Counter({ name: "wikistream_test_total", help: "test", registers: [a] }).inc();
    const { body, contentType } = await scrape(a);
    expect(contentType).toContain("text/plain");
    expect(body).toContain("wikistream_test_total 1");
    expect((await scrape(b)).body).not.toContain("wikistream_test_total");
  });

  it("labels every series with instance_id when given one", async () => {
    const registry = createRegistry({ defaultMetrics: false, instance: "replica-1" });
    new Counter({ name: "wikistream_test_total", help: "test", registers: [registry] }).inc();
    expect((await scrape(registry)).body).toContain('wikistream_test_total{instance_id="replica-1"} 1');
  });

  it("exposes the default process metrics under their standard names, without a prefix", async () => {
    const { body } = await scrape(createRegistry());
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(body).toMatch(new RegExp(`^${name} `, "m"));
    }
    expect(body).not.toContain("wikistream_process_");
    expect(body).not.toContain("wikistream_nodejs_");
  });

  it("registers wikistream_build_info when given the build", async () => {
    const registry = createRegistry({
      defaultMetrics: false,
      build: { version: "1.2.3", revision: "abc123", runtime: "bun", runtimeVersion: "1.4.5" },
    });
    expect((await scrape(registry)).body).toContain(
      'wikistream_build_info{version="1.2.3",revision="abc123",runtime="bun",runtime_version="1.4.5"} 1',
    );
  });
});
