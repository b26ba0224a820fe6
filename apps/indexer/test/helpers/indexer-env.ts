import { type IndexerConfig, loadIndexerConfig } from "../../src/config.ts";
import { brokers, opensearchUrl } from "./clients.ts";
import type { TestNames } from "./names.ts";

/** Indexer environment for the test names; tests override what they exercise. */
export function testEnv(names: TestNames, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(","),
    OPENSEARCH_URL: opensearchUrl,
    INDEXER_GROUP_ID: names.groupId,
    INDEXER_TOPICS: `${names.topics.recentchange},${names.topics.pageChange}`,
    INDEXER_TOPIC_PREFIX: names.topicPrefix,
    INDEXER_DLQ_TOPIC: names.dlqTopic,
    INDEXER_INDEX_PREFIX: names.indexPrefix,
    INDEXER_INDEX_REPLICAS: "0",
    INDEXER_SESSION_TIMEOUT_MS: "10000",
    INDEXER_RETRY_MAX_MS: "2000",
    INDEXER_COMMIT_INTERVAL_MS: "200",
    INDEXER_DRAIN_TIMEOUT_MS: "15000",
    INDEXER_HTTP_PORT: "0",
    // The recordings are from 2022 on: none may age out of the default horizon as years pass.
    INDEXER_EVENT_MAX_AGE_DAYS: "36500",
    ...overrides,
  };
}

export function testConfig(
  names: TestNames,
  overrides: Record<string, string> = {},
): Readonly<IndexerConfig> {
  return loadIndexerConfig(testEnv(names, overrides));
}
