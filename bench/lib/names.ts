/**
 * Names of what a benchmark run creates (and deletes): topics, consumer groups, index prefixes.
 * Prefix `wsb-` = wikistream bench.
 */
import { uniqueNames } from "@wikistream/testkit";
import { brokers, opensearchNodes } from "./stack.ts";

/** Topics of one benchmark run: what ingest writes and the indexers read. */
export interface RunTopics {
  id: string;
  topicPrefix: string;
  recentchange: string;
  pageChange: string;
  ingestDlq: string;
}

export function runTopics(): RunTopics {
  const { id, topicPrefix, topics } = uniqueNames("wsb");
  return { id, topicPrefix, ...topics, ingestDlq: `${topicPrefix}ingest.dlq` };
}

/** One indexer instance's own group, dead-letter topic and index prefix over the run's topics. */
export interface IndexerNames {
  groupId: string;
  dlqTopic: string;
  indexPrefix: string;
}

export function indexerNames(topics: RunTopics, label: string): IndexerNames {
  return {
    groupId: `wsb-${topics.id}-${label}`,
    dlqTopic: `${topics.topicPrefix}indexer-${label}.dlq`,
    indexPrefix: `wsb-${topics.id}-${label}`,
  };
}

/** Environment for `apps/indexer/src/main.ts` (defaults otherwise: refresh 1s, bulk 1000 docs, flush 200 ms). */
export function indexerEnv(topics: RunTopics, names: IndexerNames): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers,
    OPENSEARCH_URL: opensearchNodes.join(","),
    INDEXER_CLIENT_ID: names.groupId,
    INDEXER_GROUP_ID: names.groupId,
    INDEXER_TOPICS: `${topics.recentchange},${topics.pageChange}`,
    INDEXER_TOPIC_PREFIX: topics.topicPrefix,
    INDEXER_DLQ_TOPIC: names.dlqTopic,
    INDEXER_INDEX_PREFIX: names.indexPrefix,
    // The local stack is one node: a replica could never be assigned.
    INDEXER_INDEX_REPLICAS: "0",
    // The recordings go back to 2020: past the default 1830 days, the oldest would be dead-lettered
    // as event_time_out_of_range and never become searchable.
    INDEXER_EVENT_MAX_AGE_DAYS: "3650",
    INDEXER_HTTP_PORT: "0",
    INDEXER_LOG_LEVEL: "warn",
  };
}
