import { createRegistry } from "@wikistream/metrics";
import { describe, expect, it } from "vitest";
import type { IngestStatus } from "../ingest.ts";
import { createHttpApp } from "./server.ts";

const status: IngestStatus = {
  state: "running",
  streams: ["mediawiki.recentchange"],
  url: "http://127.0.0.1/v2/stream/mediawiki.recentchange",
  startedFrom: { policy: "resume", from: "resume_id", lastEventId: undefined, since: undefined },
  lastEventId: undefined,
  lastAckedEventId: undefined,
  connected: false,
  kafkaConnected: true,
  produceBlocked: undefined,
  bufferDepth: 0,
  counts: { received: 0, published: 0, deadLettered: 0, canaries: 0, duplicates: 0, dropped: 0 },
  rates: { windowSeconds: 60, receivedPerSecond: 0, publishedPerSecond: 0 },
  startedAt: undefined,
  error: undefined,
};

describe("ingest HTTP", () => {
  const make = (ready: boolean) =>
    createHttpApp({
      registry: createRegistry({ defaultMetrics: false }),
      ready: () => ready,
      status: () => status,
    });

  it("answers /healthz and reports readiness with 200 or 503", async () => {
    expect((await make(true).request("/healthz")).status).toBe(200);
    expect((await make(true).request("/readyz")).status).toBe(200);
    const notReady = await make(false).request("/readyz");
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, streamConnected: false });
  });

  it("serves Prometheus text on /metrics and JSON on /status", async () => {
    const metrics = await make(true).request("/metrics");
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await (await make(true).request("/status")).json()).toMatchObject({ state: "running" });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await make(true).request("/nope");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "not_found" });
  });
});
