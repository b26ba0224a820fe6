import { collectDefaultMetrics, Registry } from "prom-client";
import { type BuildInfo, registerBuildInfo } from "./build-info.ts";

/**
 * A registry per app instance (never prom-client's global one), so tests can build several apps in
 * one process and each `/metrics` shows only its own series. No `app` label: which app a target is
 * belongs to the scrape config (job and app target labels), as for any other exporter.
 */
export function createRegistry(
  options: { instance?: string; defaultMetrics?: boolean; build?: BuildInfo } = {},
): Registry {
  const registry = new Registry();
  if (options.instance) registry.setDefaultLabels({ instance_id: options.instance });
  // Process metrics read /proc and process.* APIs; Bun and Deno implement most of them, but they
  // are optional so a runtime that lacks one can turn them off. No prefix: generic Node.js and
  // process dashboards query process_cpu_seconds_total, process_resident_memory_bytes, nodejs_*.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  if (options.build) registerBuildInfo(registry, options.build);
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
