import { WikistreamError } from "@wikistream/resilience";
import { describe, expect, it } from "vitest";
import type { IndexerStatus } from "../indexer-types.ts";
import { createIndexerMetrics } from "../metrics.ts";
import { createHttpApp } from "./server.ts";

const status: IndexerStatus = {
  state: "running",
  templatesInstalled: true,
  joined: true,
  assignment: { "wikistream.mediawiki.recentchange": [0, 1, 2] },
  pending: 0,
  inFlight: 0,
  queued: 0,
  pausedPartitions: 0,
  lag: 0,
  deadLettersBlockedBy: undefined,
  credentialsRefused: undefined,
  counts: { consumed: 3, indexed: 3, retried: 0, deadLettered: 0, skipped: 0 },
  lastCommitAt: undefined,
};

function app(overrides: { ready?: boolean; healthy?: boolean } = {}) {
  const metrics = createIndexerMetrics({ defaultMetrics: false });
  metrics.documents.inc({ result: "indexed", reason: "" }, 3);
  metrics.lag.set({ topic: "wikistream.mediawiki.recentchange", partition: "0" }, 7);
  return createHttpApp({
    registry: metrics.registry,
    ready: () => overrides.ready ?? true,
    healthy: () => overrides.healthy ?? true,
    status: () => status,
  });
}

describe("indexer HTTP", () => {
  it("answers /healthz and /readyz by state", async () => {
    expect((await app().request("/healthz")).status).toBe(200);
    expect((await app({ healthy: false }).request("/healthz")).status).toBe(503);
    const ready = await app().request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, joined: true });
    expect((await app({ ready: false }).request("/readyz")).status).toBe(503);
  });

  it("serves Prometheus metrics with the indexer's series", async () => {
    const response = await app().request("/metrics");
    expect(response.headers.get("content-type")).toContain("text/plain");
    const body = await response.text();
    expect(body).toContain('wikistream_indexer_documents_total{result="indexed",reason=""} 3');
    expect(body).toContain(
      'wikistream_indexer_consumer_lag_records{topic="wikistream.mediawiki.recentchange",partition="0"} 7',
    );
    for (const name of [
      "wikistream_indexer_bulk_request_duration_seconds",
      "wikistream_indexer_bulk_request_bytes",
      "wikistream_indexer_bulk_requests_in_flight",
      "wikistream_indexer_freshness_seconds",
      "wikistream_indexer_rebalances_total",
      "wikistream_indexer_errors_total",
    ]) {
      expect(body).toContain(`# TYPE ${name}`);
    }
  });

  it("answers unknown routes and errors as {code, message} JSON without internals", async () => {
    const http = app();
    http.get("/boom", () => {
      throw new Error("secret stack detail");
    });
    http.get("/ours", () => {
      throw new WikistreamError("opensearch_unavailable", "OpenSearch is not reachable", { retryable: true });
    });
    expect(await (await http.request("/nope")).json()).toEqual({
      code: "not_found",
      message: "no route GET /nope",
    });
    const boom = await http.request("/boom");
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ code: "internal", message: "internal error" });
    const ours = await http.request("/ours");
    expect(ours.status).toBe(503);
    expect(await ours.json()).toEqual({
      code: "opensearch_unavailable",
      message: "OpenSearch is not reachable",
    });
  });

  it("shows the status as JSON", async () => {
    expect(await (await app().request("/status")).json()).toMatchObject({ state: "running" });
  });
});
