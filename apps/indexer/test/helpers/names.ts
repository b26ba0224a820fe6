import { randomUUID } from "node:crypto";

/** Unique names for one test: topics, group, index prefix; nothing shared with other runs. */
export interface TestNames {
  id: string;
  topicPrefix: string;
  topics: { recentchange: string; pageChange: string };
  dlqTopic: string;
  groupId: string;
  indexPrefix: string;
}

export function uniqueNames(): TestNames {
  const id = randomUUID().slice(0, 8);
  const topicPrefix = `wst-${id}.`;
  return {
    id,
    topicPrefix,
    topics: {
      recentchange: `${topicPrefix}mediawiki.recentchange`,
      pageChange: `${topicPrefix}mediawiki.page_change.v1`,
    },
    dlqTopic: `wst-${id}.indexer.dlq`,
    groupId: `wst-${id}-indexer`,
    indexPrefix: `wst-${id}`,
  };
}
