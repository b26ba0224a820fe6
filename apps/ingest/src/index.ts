export { type IngestConfig, ingestEnvSchema, loadIngestConfig } from "./config.ts";
export { decodeFrame } from "./decode.ts";
export { createHttpApp } from "./http/server.ts";
export { createIngest, type Ingest, type IngestStatus } from "./ingest.ts";
export { createIngestMetrics, type IngestMetrics } from "./metrics.ts";
