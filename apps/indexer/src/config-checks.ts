import { invalidSetting } from "@wikistream/config";
import { resolveStream } from "@wikistream/events";
import type { z } from "zod";
import type { IndexerConfig } from "./config.ts";
import type { indexerEnvSchema } from "./config-schema.ts";
import { type IndexedStream, isIndexedStream } from "./index/names.ts";

const invalid = (variable: string, value: unknown, expected: string) =>
  invalidSetting("indexer", variable, value, expected);

// Index names must be lowercase and must not start with -, _ or +.
const indexPrefixPattern = /^[a-z0-9][a-z0-9._-]*$/;

/** Topic → stream by the naming rule `<prefix><canonical stream>`; only streams with a mapping are accepted. */
export function streamOfTopic(topic: string, prefix: string): IndexedStream | undefined {
  const name = topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
  const stream = resolveStream(name);
  return stream !== undefined && isIndexedStream(stream) ? stream : undefined;
}

export type RawConfig = z.infer<typeof indexerEnvSchema>;

/** Input topics, each with the stream it carries by the naming rule. */
export function topicsOf(raw: RawConfig): IndexerConfig["topics"] {
  return [...new Set(raw.INDEXER_TOPICS)].map((topic) => {
    const stream = streamOfTopic(topic, raw.INDEXER_TOPIC_PREFIX);
    if (!stream) {
      throw invalid(
        "INDEXER_TOPICS",
        topic,
        `expected ${raw.INDEXER_TOPIC_PREFIX}<stream> for a stream with an index mapping (mediawiki.recentchange, mediawiki.page_change.v1)`,
      );
    }
    return { topic, stream };
  });
}

/** Rules across variables, after each variable parsed on its own. */
export function checkCombinations(raw: RawConfig, topics: IndexerConfig["topics"]): void {
  if (topics.some(({ topic }) => topic === raw.INDEXER_DLQ_TOPIC)) {
    throw invalid("INDEXER_DLQ_TOPIC", raw.INDEXER_DLQ_TOPIC, "must not be one of INDEXER_TOPICS");
  }
  if (!indexPrefixPattern.test(raw.INDEXER_INDEX_PREFIX)) {
    throw invalid(
      "INDEXER_INDEX_PREFIX",
      raw.INDEXER_INDEX_PREFIX,
      "expected lowercase letters, digits, . _ -",
    );
  }
  if (raw.INDEXER_FETCH_MAX_WAIT_MS * 3 >= raw.INDEXER_SESSION_TIMEOUT_MS) {
    // kafkajs heartbeats only between fetches: a long fetch wait lets the session expire.
    throw invalid(
      "INDEXER_FETCH_MAX_WAIT_MS",
      raw.INDEXER_FETCH_MAX_WAIT_MS,
      `must be < INDEXER_SESSION_TIMEOUT_MS / 3 (${Math.ceil(raw.INDEXER_SESSION_TIMEOUT_MS / 3)}): kafkajs heartbeats only between fetches`,
    );
  }
  if (raw.INDEXER_RETRY_MAX_MS < raw.INDEXER_RETRY_INITIAL_MS) {
    throw invalid("INDEXER_RETRY_MAX_MS", raw.INDEXER_RETRY_MAX_MS, "must be >= INDEXER_RETRY_INITIAL_MS");
  }
}
