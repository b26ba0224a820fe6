import { z } from "zod";
import { invalidSetting } from "./load.ts";
import type { RawEnv } from "./secrets.ts";

const optionalCount = (max: number) => z.coerce.number().int().min(1).max(max).optional();

/**
 * How the apps create the topics they own (stream topics, DLQs), the same in both apps. Unset: the
 * broker's defaults (default.replication.factor, min.insync.replicas), which is what a managed cluster
 * is configured with; existing topics are never changed.
 */
export const kafkaTopicEnv = {
  KAFKA_TOPIC_REPLICATION_FACTOR: optionalCount(32),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: optionalCount(32),
};

export interface KafkaTopicSettings {
  replicationFactor: number | undefined;
  minInsyncReplicas: number | undefined;
}

/** The topic settings, refusing a min.insync.replicas that no write could ever meet. */
export function kafkaTopicSettingsFromEnv(app: string, raw: RawEnv): KafkaTopicSettings {
  const replicationFactor = raw.KAFKA_TOPIC_REPLICATION_FACTOR as number | undefined;
  const minInsyncReplicas = raw.KAFKA_TOPIC_MIN_INSYNC_REPLICAS as number | undefined;
  if (
    replicationFactor !== undefined &&
    minInsyncReplicas !== undefined &&
    minInsyncReplicas > replicationFactor
  ) {
    throw invalidSetting(
      app,
      "KAFKA_TOPIC_MIN_INSYNC_REPLICAS",
      minInsyncReplicas,
      `must not exceed KAFKA_TOPIC_REPLICATION_FACTOR (${replicationFactor}): every acks=all write would fail`,
    );
  }
  return { replicationFactor, minInsyncReplicas };
}
