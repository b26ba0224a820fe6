export { type IndexerConfig, indexerEnvSchema, loadIndexerConfig } from "./config.ts";
export { createHttpApp } from "./http/server.ts";
export { createIndexer, type Indexer, type IndexerDeps, type IndexerStatus } from "./indexer.ts";
export { allAlias, indexFor, indexPattern, readAlias } from "./indices.ts";
export { createIndexerMetrics, type IndexerMetrics } from "./metrics.ts";
export { defaultTransforms, type IndexDocument, toDocument } from "./transform.ts";
export type { DerivedFields, Transform, TransformSet } from "./transforms/index.ts";
