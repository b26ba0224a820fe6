import type { Logger } from "@wikistream/log";
import type { Kafka } from "kafkajs";
import { inspectTopicReplication, type ReplicationWarning } from "./replication.ts";

/**
 * Reads the replication of the topics an app uses and logs each durability warning (RF 1 on a
 * cluster with more brokers, min.insync.replicas < 2 under acks=all); `onWarnings` sets the app's
 * metric. A failure to read it is logged and ignored: it must never stop a healthy start.
 */
export async function checkTopicDurability(
  kafka: Kafka,
  topics: readonly string[],
  options: {
    acks: -1 | 0 | 1;
    logger: Logger;
    onWarnings: (warnings: readonly ReplicationWarning[]) => void;
  },
): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { warnings, brokers } = await inspectTopicReplication(admin, topics, { acks: options.acks });
    for (const warning of warnings) {
      options.logger.warn(`topic durability: ${warning.message}`, {
        topic: warning.topic,
        kind: warning.kind,
        brokers,
      });
    }
    options.onWarnings(warnings);
  } catch (error) {
    options.logger.warn("could not read the topics' replication settings", { error, topics });
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
