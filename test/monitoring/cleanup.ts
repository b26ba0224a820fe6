import { createKafka } from "@wikistream/kafka";
import { silentLogger } from "@wikistream/log";

/** Deletes the topics that exist and the consumer group; errors are reported, not thrown. */
export async function deleteKafkaResources(
  brokers: string[],
  topics: readonly string[],
  groupId: string,
): Promise<void> {
  const admin = createKafka({ brokers, clientId: "monitoring-test-cleanup", logger: silentLogger }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
    await admin.deleteGroups([groupId]).catch(() => undefined); // absent if the indexer never joined
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the indices, index templates and component templates whose names start with `prefix`. */
export async function deleteOpenSearchResources(opensearchUrl: string, prefix: string): Promise<void> {
  for (const path of [`${prefix}-*`, `_index_template/${prefix}-*`, `_component_template/${prefix}-*`]) {
    await fetch(`${opensearchUrl}/${path}`, { method: "DELETE" });
  }
}
