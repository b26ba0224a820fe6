import { createKafka } from "@wikistream/kafka";
import { createLogger } from "@wikistream/log";
import type { Kafka } from "kafkajs";
import type { Connection } from "../args.ts";
import type { Io } from "../io.ts";

/**
 * A kafkajs client for the command, secured as the apps are (connection.kafka: TLS, SASL); its
 * warnings go to stderr as JSON lines.
 */
export function commandKafka(connection: Connection, io: Io): Kafka {
  const logger = createLogger({ level: "warn", write: (line: string) => io.err(line.trimEnd()) });
  return createKafka({
    brokers: connection.brokers,
    clientId: "wikistream-cli",
    logger,
    security: connection.kafka,
  });
}

/** Topics among `topics` that exist; the others are reported, not fatal (an app may have no DLQ yet). */
export async function existingTopics(
  kafka: Kafka,
  topics: readonly string[],
): Promise<{ found: string[]; missing: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const all = new Set(await admin.listTopics());
    return { found: topics.filter((t) => all.has(t)), missing: topics.filter((t) => !all.has(t)) };
  } finally {
    await admin.disconnect();
  }
}
