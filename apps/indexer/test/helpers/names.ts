import { type RunNames, uniqueNames as runNames } from "@wikistream/testkit";

/** Unique names for one test: topics, group, index prefix, dead-letter topic; nothing shared with other runs. */
export interface TestNames extends RunNames {
  dlqTopic: string;
}

export function uniqueNames(): TestNames {
  const names = runNames("wst");
  return { ...names, dlqTopic: `wst-${names.id}.indexer.dlq` };
}
