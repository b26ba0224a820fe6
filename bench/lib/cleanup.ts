import type { Client } from "@opensearch-project/opensearch";
import { errorMessage } from "@wikistream/resilience";
import type { IndexerNames, RunTopics } from "./names.ts";
import { benchKafka, untilOpenSearchUsable } from "./stack.ts";

/**
 * Deletes what a run created: indices and templates per index prefix, consumer groups, topics.
 * Returns every problem met (each step is tried even when an earlier one failed).
 */
export async function cleanup(
  client: Client,
  topics: RunTopics,
  indexers: readonly IndexerNames[],
): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      problems.push(`${what}: ${errorMessage(error)}`);
    }
  };
  // OpenSearch may be down for a moment (an outage test by someone else on the same stack).
  if (indexers.length > 0) await attempt("OpenSearch reachable", () => untilOpenSearchUsable(client));
  for (const { indexPrefix } of indexers) {
    await attempt(`indices ${indexPrefix}-*`, () =>
      client.indices.delete({ index: `${indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true }),
    );
    for (const family of ["recentchange", "page_change"]) {
      await attempt(`index template ${indexPrefix}-${family}`, () =>
        client.indices.deleteIndexTemplate({ name: `${indexPrefix}-${family}` }),
      );
    }
    for (const name of ["settings", "common-mappings", "recentchange-mappings", "page_change-mappings"]) {
      await attempt(`component template ${indexPrefix}-${name}`, () =>
        client.cluster.deleteComponentTemplate({ name: `${indexPrefix}-${name}` }),
      );
    }
  }
  const admin = benchKafka("wikistream-bench-cleanup").admin();
  await attempt("kafka admin connect", () => admin.connect());
  const groups = indexers.map((i) => i.groupId);
  if (groups.length > 0) {
    const existing = new Set(
      (await admin.listGroups().catch(() => ({ groups: [] }))).groups.map((g) => g.groupId),
    );
    const ours = groups.filter((g) => existing.has(g));
    if (ours.length > 0) await attempt("consumer groups", () => admin.deleteGroups(ours));
  }
  await attempt("topics", async () => {
    const existing = await admin.listTopics();
    const ours = existing.filter((t) => t.startsWith(topics.topicPrefix));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  });
  await admin.disconnect().catch(() => {});
  return problems;
}
