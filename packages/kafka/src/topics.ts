import { WikistreamError } from "@wikistream/resilience";
import type { Admin, Kafka, PartitionMetadata } from "kafkajs";
import { classifyKafkaError, PartitionLeaderError } from "./errors.ts";

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Unset: the broker's default.replication.factor (a hard-coded 1 made every topic a single point of failure). */
  replicationFactor?: number;
  /** Unset: the broker's default min.insync.replicas. */
  minInsyncReplicas?: number;
  configs?: Record<string, string>;
}

/** The configs a new topic is created with: the spec's own, plus min.insync.replicas when set. */
export function topicConfigEntries(spec: TopicSpec): { name: string; value: string }[] {
  const configs = { ...spec.configs };
  if (spec.minInsyncReplicas !== undefined) configs["min.insync.replicas"] = String(spec.minInsyncReplicas);
  return Object.entries(configs).map(([name, value]) => ({ name, value }));
}

/** Protocol error codes a partition's metadata carries while it has no usable leader. */
const leaderErrorTypes: Record<number, string> = {
  3: "UNKNOWN_TOPIC_OR_PARTITION",
  5: "LEADER_NOT_AVAILABLE",
  6: "NOT_LEADER_OR_FOLLOWER",
  9: "REPLICA_NOT_AVAILABLE",
};

/**
 * The partitions of one topic, or undefined when it does not exist. Throws an error naming the topic
 * (and the partition, where the broker says which) when a partition has no leader.
 *
 * Topics are asked about one at a time, never with listTopics(): kafkajs rejects a whole metadata
 * response when any partition in it has no leader, so one leaderless topic anywhere in the cluster
 * would otherwise stop us, and the error would not say which topic it is.
 */
export async function describeTopic(admin: Admin, topic: string): Promise<PartitionMetadata[] | undefined> {
  let partitions: PartitionMetadata[];
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
  } catch (cause) {
    const failure = classifyKafkaError(cause);
    if (failure.kind === "no_leader" && failure.type === "UNKNOWN_TOPIC_OR_PARTITION") return undefined;
    throw new WikistreamError(
      "kafka_topic_metadata_failed",
      `reading the metadata of topic ${topic} failed`,
      {
        cause,
        context: { topic },
      },
    );
  }
  for (const { partitionId, leader, partitionErrorCode } of partitions) {
    if (partitionErrorCode === 0 && leader >= 0) continue;
    throw new PartitionLeaderError(
      topic,
      partitionId,
      leaderErrorTypes[partitionErrorCode] ?? "LEADER_NOT_AVAILABLE",
    );
  }
  return partitions;
}

/**
 * Creates the topics that do not exist yet; existing ones are left as they are (a partition count is
 * never changed behind the operator's back, since that would move keys between partitions).
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const missing: TopicSpec[] = [];
    for (const spec of specs) {
      if ((await describeTopic(admin, spec.topic)) === undefined) missing.push(spec);
    }
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        // kafkajs sends -1 (the broker's default) when this is undefined.
        replicationFactor: spec.replicationFactor,
        configEntries: topicConfigEntries(spec),
      })),
    });
    return missing.map((spec) => spec.topic);
  } finally {
    await admin.disconnect();
  }
}
