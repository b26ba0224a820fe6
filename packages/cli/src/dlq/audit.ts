import { ensureTopics } from "@wikistream/kafka";
import type { Kafka, Message, Producer } from "kafkajs";
import { readRanges } from "../kafka/reader.ts";

export const defaultAuditTopic = "wikistream.dlq.redrives";

/** One re-driven letter; keyed `letter:<ref>` in the compacted audit topic, so the latest wins. */
export interface RedriveEntry {
  readonly ref: string;
  readonly metaId: string | undefined;
  readonly topic: string;
  readonly run: string;
  readonly by: string;
  readonly at: string;
}

/** One re-drive run; keyed `run:<id>`. */
export interface RunEntry {
  readonly run: string;
  readonly by: string;
  readonly at: string;
  readonly dryRun: false;
  readonly selection: Readonly<Record<string, unknown>>;
  readonly sent: number;
  readonly skipped: Readonly<Record<string, number>>;
}

/**
 * The audit topic: compacted, one partition, kept forever. It is what makes a second re-drive of the
 * same letters a no-op, and it answers who re-drove what and when.
 */
export async function ensureAuditTopic(kafka: Kafka, topic: string): Promise<void> {
  await ensureTopics(kafka, [
    { topic, partitions: 1, configs: { "cleanup.policy": "compact", "retention.ms": "-1" } },
  ]);
}

/** Every letter ref the audit topic lists as re-driven. */
export async function readRedriven(kafka: Kafka, topic: string): Promise<Map<string, RedriveEntry>> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const redriven = new Map<string, RedriveEntry>();
  await readRanges(
    kafka,
    topic,
    ends.map((e) => ({ partition: e.partition, from: e.low, to: e.high })),
    {
      idleMs: 5000,
      onRecords(records) {
        for (const record of records) {
          const key = record.key?.toString("utf8") ?? "";
          if (!key.startsWith("letter:")) continue;
          if (record.value === null) redriven.delete(key.slice(7));
          else redriven.set(key.slice(7), JSON.parse(record.value.toString("utf8")) as RedriveEntry);
        }
      },
    },
  );
  return redriven;
}

export function auditMessages(entries: readonly RedriveEntry[], run: RunEntry): Message[] {
  return [
    ...entries.map((entry) => ({ key: `letter:${entry.ref}`, value: JSON.stringify(entry) })),
    { key: `run:${run.run}`, value: JSON.stringify(run) },
  ];
}

export async function writeAudit(producer: Producer, topic: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  }
}
