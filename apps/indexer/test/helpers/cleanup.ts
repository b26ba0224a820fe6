import type { Client } from "@opensearch-project/opensearch";
import type { Kafka } from "kafkajs";
import type { TestNames } from "./names.ts";

/** Deletes everything a test created: indices, templates, topics, the consumer group. */
export async function cleanup(kafka: Kafka, client: Client, names: TestNames): Promise<void> {
  await client.indices
    .delete({ index: `${names.indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true })
    .catch(() => {});
  for (const name of ["recentchange", "page_change"]) {
    await client.indices.deleteIndexTemplate({ name: `${names.indexPrefix}-${name}` }).catch(() => {});
  }
  for (const name of ["settings", "common-mappings", "recentchange-mappings", "page_change-mappings"]) {
    await client.cluster.deleteComponentTemplate({ name: `${names.indexPrefix}-${name}` }).catch(() => {});
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([names.groupId]).catch(() => {});
    const existing = new Set(await admin.listTopics());
    const topics = [names.topics.recentchange, names.topics.pageChange, names.dlqTopic].filter((t) =>
      existing.has(t),
    );
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}
