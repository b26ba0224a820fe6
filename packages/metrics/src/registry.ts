import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * A registry per app instance (never prom-client's global one), so tests can build several apps in
 * one process and each `/metrics` shows only its own series.
 */
export function createRegistry(options: {
  app: string;
  instance?: string;
  defaultMetrics?: boolean;
}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({
    app: options.app,
    ...(options.instance ? { instance_id: options.instance } : {}),
  });
  // Process metrics read /proc and process.* APIs; Bun and Deno implement most of them, but they
  // are optional so a runtime that lacks one can turn them off.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "wikistream_" });
  return registry;
}

/** The body and content type of a Prometheus scrape. */
export async function scrape(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Latency buckets in seconds, from 1 ms to 30 s: produce and bulk calls span that range. */
export const latencyBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Freshness buckets in seconds, from 100 ms to 1 h: catch-up after an outage spans that range. */
export const freshnessBuckets = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600];
