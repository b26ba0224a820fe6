import type { Kafka } from "kafkajs";
import type { Io } from "../io.ts";
import { Progress } from "../io.ts";
import { existingTopics } from "../kafka/connect.ts";
import { rangeSize } from "../kafka/range.ts";
import { readRanges, topicRanges } from "../kafka/reader.ts";
import type { DlqCommand } from "./args.ts";
import { decodeLetter, type Letter } from "./letter.ts";
import { matches } from "./select.ts";

export type Selecting = Extract<DlqCommand, { action: "list" | "redrive" }>;

/** The letters a selection picks, read from every chosen DLQ topic that exists. */
export async function selectLetters(kafka: Kafka, command: Selecting, io: Io): Promise<Letter[]> {
  const { found, missing } = await existingTopics(kafka, command.topics);
  for (const topic of missing) io.err(`dlq: topic ${topic} does not exist (no letters there)`);
  const letters: Letter[] = [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of found) {
      const ranges = await topicRanges(admin, topic, command.range);
      const progress = new Progress(io, `reading ${topic}`, rangeSize(ranges));
      await readRanges(kafka, topic, ranges, {
        onRecords(records) {
          progress.add(records.length);
          for (const record of records) {
            const letter = decodeLetter(record);
            if (matches(letter, command.filter)) letters.push(letter);
          }
        },
      });
    }
  } finally {
    await admin.disconnect();
  }
  return letters;
}

/** One letter as `list`, `show` and `redrive --json` print it. */
export const summaryOf = (letter: Letter) => ({
  ref: letter.ref,
  app: letter.app,
  reason: letter.reason,
  time: letter.time,
  metaId: letter.metaId,
  source:
    letter.sourceTopic === undefined
      ? undefined
      : `${letter.sourceTopic}:${letter.source?.partition}:${letter.source?.offset}`,
  detail: letter.detail.slice(0, 200),
});
