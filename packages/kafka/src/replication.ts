import kafkajs, { type Admin } from "kafkajs";

// kafkajs is CommonJS: Node's ES-module loader exposes only its default export, not this name.
const { ConfigResourceTypes } = kafkajs;

import { describeTopic } from "./topics.ts";

/** What the cluster says about one topic's durability. */
export interface TopicReplication {
  topic: string;
  /** The smallest replica count over the topic's partitions (a reassignment can leave them uneven). */
  replicationFactor: number;
  minInsyncReplicas: number | undefined;
}

export interface ReplicationFacts {
  brokers: number;
  topics: readonly TopicReplication[];
}

/** A closed set of durability warnings, each with the topic and the numbers that triggered it. */
export type ReplicationWarning =
  | { kind: "single_replica"; topic: string; replicationFactor: number; brokers: number; message: string }
  | {
      kind: "low_min_isr";
      topic: string;
      minInsyncReplicas: number;
      replicationFactor: number;
      message: string;
    };

/**
 * Decides which topics are less durable than the cluster allows: one replica on a cluster with more
 * brokers (losing that broker takes its partitions offline, losing its disk loses acknowledged
 * records), and min.insync.replicas < 2 while the producer uses acks=all (all = "the in-sync
 * replicas", which may then be just the leader).
 */
export function replicationWarnings(
  facts: ReplicationFacts,
  options: { acks: -1 | 0 | 1 },
): ReplicationWarning[] {
  const warnings: ReplicationWarning[] = [];
  for (const { topic, replicationFactor, minInsyncReplicas } of facts.topics) {
    if (replicationFactor === 1 && facts.brokers > 1) {
      warnings.push({
        kind: "single_replica",
        topic,
        replicationFactor,
        brokers: facts.brokers,
        message: `topic ${topic} has replication factor 1 on a cluster of ${facts.brokers} brokers: losing one broker takes its partitions offline`,
      });
    }
    if (
      options.acks === -1 &&
      replicationFactor > 1 &&
      minInsyncReplicas !== undefined &&
      minInsyncReplicas < 2
    ) {
      warnings.push({
        kind: "low_min_isr",
        topic,
        minInsyncReplicas,
        replicationFactor,
        message: `topic ${topic} has min.insync.replicas=${minInsyncReplicas} with acks=all: an acknowledged record may exist on one broker only`,
      });
    }
  }
  return warnings;
}

/**
 * Reads each topic's replica count (metadata, one topic at a time as describeTopic does) and its
 * effective min.insync.replicas (describeConfigs: the topic's own value or the broker default), and
 * the number of brokers. Topics that do not exist are left out.
 */
export async function readReplicationFacts(
  admin: Admin,
  topics: readonly string[],
): Promise<ReplicationFacts> {
  const { brokers } = await admin.describeCluster();
  const found: { topic: string; replicationFactor: number }[] = [];
  for (const topic of topics) {
    const partitions = await describeTopic(admin, topic);
    if (partitions === undefined || partitions.length === 0) continue;
    found.push({ topic, replicationFactor: Math.min(...partitions.map((p) => p.replicas.length)) });
  }
  if (found.length === 0) return { brokers: brokers.length, topics: [] };
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: found.map(({ topic }) => ({
      type: ConfigResourceTypes.TOPIC,
      name: topic,
      configNames: ["min.insync.replicas"],
    })),
  });
  const minIsr = new Map<string, number>();
  for (const resource of configs.resources) {
    const entry = resource.configEntries.find((e) => e.configName === "min.insync.replicas");
    if (entry !== undefined) minIsr.set(resource.resourceName, Number(entry.configValue));
  }
  return {
    brokers: brokers.length,
    topics: found.map((t) => ({ ...t, minInsyncReplicas: minIsr.get(t.topic) })),
  };
}

/** Facts and warnings for the apps to log and count at start (wikistream_*_topic_replication_warnings). */
export async function inspectTopicReplication(
  admin: Admin,
  topics: readonly string[],
  options: { acks: -1 | 0 | 1 } = { acks: -1 },
): Promise<ReplicationFacts & { warnings: ReplicationWarning[] }> {
  const facts = await readReplicationFacts(admin, topics);
  return { ...facts, warnings: replicationWarnings(facts, options) };
}
