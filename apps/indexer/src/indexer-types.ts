import type { Client } from "@opensearch-project/opensearch";
import type { LifecycleState } from "@wikistream/http";
import type { Logger } from "@wikistream/log";
import type { Kafka } from "kafkajs";
import type { IndexerConfig } from "./config.ts";
import type { CredentialRefusal, CredentialTarget } from "./credential-health.ts";
import type { IndexerMetrics } from "./metrics.ts";
import type { PipelineStats } from "./pipeline-types.ts";
import type { TransformSet } from "./prepare/transforms/index.ts";

// The indexer's public contract (createIndexer's dependencies and what it returns), apart from its
// composition so that the lifecycle, the HTTP app and the tests import types that import nothing back.

export interface IndexerDeps {
  config: Readonly<IndexerConfig>;
  kafka: Kafka;
  opensearch: Client;
  logger: Logger;
  metrics: IndexerMetrics;
  /** Replaces the default transform stage (pluggable). */
  transforms?: TransformSet;
  /** Called once if the consumer dies for good; main.ts exits non-zero so the process is restarted. */
  onFatal?: (error: Error) => void;
}

export interface IndexerStatus {
  /** "failed" once the consumer crashed for good. */
  state: LifecycleState;
  templatesInstalled: boolean;
  joined: boolean;
  assignment: Record<string, number[]>;
  /** Records consumed and not yet finished (indexed, dead-lettered or skipped). */
  pending: number;
  inFlight: number;
  queued: number;
  pausedPartitions: number;
  /**
   * Records after the group's committed offsets, over every partition of the input topics, as the
   * broker reports them (INDEXER_LAG_INTERVAL_MS); before the first reading, over the owned partitions.
   */
  lag: number;
  /** Kafka's error code while the dead-letter topic refuses letters for good; not ready meanwhile. */
  deadLettersBlockedBy: string | undefined;
  /** Kafka or OpenSearch refusing the credentials now (cause, since); not ready meanwhile. */
  credentialsRefused: Partial<Record<CredentialTarget, CredentialRefusal>> | undefined;
  counts: PipelineStats["counts"];
  lastCommitAt: string | undefined;
}

export interface Indexer {
  /** Installs templates, creates missing topics, joins the group and starts consuming. */
  start(): Promise<void>;
  /** Stops fetching, finishes in-flight bulk requests, commits, leaves the group. Idempotent. */
  stop(): Promise<void>;
  ready(): boolean;
  healthy(): boolean;
  status(): IndexerStatus;
}
