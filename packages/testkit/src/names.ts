import { randomUUID } from "node:crypto";

/** Topics, group and index prefix of one test or benchmark run: nothing shared with other runs. */
export interface RunNames {
  id: string;
  topicPrefix: string;
  topics: { recentchange: string; pageChange: string };
  groupId: string;
  indexPrefix: string;
}

/** Unique names under `tag` ("wst" for tests, "wsb" for benchmarks), e.g. wst-1a2b3c4d.mediawiki.recentchange. */
export function uniqueNames(tag: string): RunNames {
  const id = randomUUID().slice(0, 8);
  const topicPrefix = `${tag}-${id}.`;
  return {
    id,
    topicPrefix,
    topics: {
      recentchange: `${topicPrefix}mediawiki.recentchange`,
      pageChange: `${topicPrefix}mediawiki.page_change.v1`,
    },
    groupId: `${tag}-${id}-indexer`,
    indexPrefix: `${tag}-${id}`,
  };
}
