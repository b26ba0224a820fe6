export { type IndexerConfig, indexerEnvSchema, loadIndexerConfig } from "./config.ts";
export { createHttpApp } from "./http/server.ts";
export { allAlias, indexFor, indexPattern, readAlias } from "./index/names.ts";
export { componentTemplates, indexTemplates } from "./index/templates.ts";
export { createIndexer, type Indexer, type IndexerDeps, type IndexerStatus } from "./indexer.ts";
export { createIndexerMetrics, type IndexerMetrics } from "./metrics.ts";
export { defaultTransforms, type IndexDocument, toDocument } from "./prepare/transform.ts";
export type { DerivedFields, Transform, TransformSet } from "./prepare/transforms/index.ts";
