import { randomUUID } from "node:crypto";
import { createProducer } from "@wikistream/kafka";
import { CompressionTypes, type Kafka } from "kafkajs";
import type { Io } from "../io.ts";
import { Progress } from "../io.ts";
import { commandKafka, existingTopics } from "../kafka/connect.ts";
import { rangeSize } from "../kafka/range.ts";
import { readRanges, topicRanges } from "../kafka/reader.ts";
import { DLQ_USAGE, type DlqCommand, parseDlqArgs } from "./args.ts";
import { auditMessages, ensureAuditTopic, type RedriveEntry, readRedriven, writeAudit } from "./audit.ts";
import { decodeLetter, type Letter } from "./letter.ts";
import { chunkSends, planRedrive } from "./redrive-plan.ts";
import { countByReason, matches } from "./select.ts";

type Selecting = Extract<DlqCommand, { action: "list" | "redrive" }>;

/** The letters a selection picks, read from every chosen DLQ topic that exists. */
async function selectLetters(kafka: Kafka, command: Selecting, io: Io): Promise<Letter[]> {
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

const summaryOf = (letter: Letter) => ({
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

async function list(kafka: Kafka, command: Extract<DlqCommand, { action: "list" }>, io: Io): Promise<number> {
  const letters = await selectLetters(kafka, command, io);
  const shown = command.limit === undefined ? letters : letters.slice(0, command.limit);
  for (const letter of shown) {
    const s = summaryOf(letter);
    io.out(
      command.json
        ? JSON.stringify(s)
        : `${s.ref}  ${s.time}  ${s.app}  ${s.reason}  ${s.metaId ?? "-"}  ${s.detail}`,
    );
  }
  for (const row of countByReason(letters)) {
    io.err(`${row.letters} ${row.app} letter(s) with reason ${row.reason}`);
  }
  io.err(
    `${letters.length} letter(s) selected${shown.length < letters.length ? `, ${shown.length} shown (--limit)` : ""}`,
  );
  return 0;
}

async function show(kafka: Kafka, command: Extract<DlqCommand, { action: "show" }>, io: Io): Promise<number> {
  let found: Letter | undefined;
  const next = String(BigInt(command.offset) + 1n);
  const admin = kafka.admin();
  await admin.connect();
  // Clamped to what Kafka still holds: an offset past the end or lost to retention reads nothing.
  const ranges = await topicRanges(admin, command.topic, {
    partitions: [command.partition],
    fromOffset: command.offset,
    toOffset: next,
  }).finally(() => admin.disconnect());
  await readRanges(kafka, command.topic, ranges, {
    idleMs: 5000,
    onRecords(records) {
      const record = records.find((r) => r.offset === command.offset);
      if (record) found = decodeLetter(record);
    },
  });
  if (found === undefined) {
    io.err(
      `dlq show: no record at ${command.topic}:${command.partition}:${command.offset} (retention, or a wrong offset)`,
    );
    return 1;
  }
  if (command.raw) {
    io.writeRaw(found.original.value ?? new Uint8Array());
    return 0;
  }
  const headers = Object.fromEntries(
    Object.entries(found.original.headers).map(([k, v]) => [k, v.toString("utf8")]),
  );
  const view = {
    ...summaryOf(found),
    detail: found.detail,
    redrivable: found.unredrivable === undefined ? true : found.unredrivable,
    key: found.original.key?.toString("utf8") ?? null,
    headers,
    value: found.original.value?.toString("utf8") ?? null,
  };
  io.out(JSON.stringify(view, null, command.json ? undefined : 2));
  return 0;
}

async function redrive(
  kafka: Kafka,
  command: Extract<DlqCommand, { action: "redrive" }>,
  io: Io,
): Promise<number> {
  const letters = await selectLetters(kafka, command, io);
  if (!command.dryRun) await ensureAuditTopic(kafka, command.auditTopic);
  const redriven = (await existingTopics(kafka, [command.auditTopic])).found.length
    ? await readRedriven(kafka, command.auditTopic)
    : new Map<string, RedriveEntry>();
  const steps = planRedrive(letters, {
    redriven: new Set(redriven.keys()),
    toTopic: command.toTopic,
    force: command.force,
  });
  const sends = steps.filter((s) => s.kind === "send");
  const skipped: Record<string, number> = {};
  for (const step of steps) {
    if (step.kind === "skip") {
      skipped[step.why] = (skipped[step.why] ?? 0) + 1;
      io.err(`skip ${step.letter.ref} (${step.why}): ${step.detail}`);
    } else if (command.dryRun || command.json) {
      io.out(
        command.json
          ? JSON.stringify({ ...summaryOf(step.letter), to: step.topic, dryRun: command.dryRun })
          : `would send ${step.letter.ref} → ${step.topic}`,
      );
    }
  }
  const skippedText =
    Object.entries(skipped)
      .map(([why, n]) => `${n} ${why}`)
      .join(", ") || "none";
  if (command.dryRun) {
    io.err(
      `dry run: ${sends.length} of ${letters.length} letter(s) would be re-driven; skipped: ${skippedText}`,
    );
    return 0;
  }
  const run = randomUUID();
  const at = new Date(io.now()).toISOString();
  const { producer } = createProducer(kafka);
  await producer.connect();
  try {
    const progress = new Progress(io, "re-driving", sends.length);
    // Per target topic, in letter order, in chunks under Kafka's default 1 MiB batch limit.
    const byTopic = new Map<string, typeof sends>();
    for (const step of sends) byTopic.set(step.topic, [...(byTopic.get(step.topic) ?? []), step]);
    for (const [topic, group] of byTopic) {
      for (const chunk of chunkSends(group)) {
        await producer.send({
          topic,
          acks: -1,
          compression: CompressionTypes.GZIP,
          messages: chunk.map((s) => s.message),
        });
        progress.add(chunk.length);
      }
    }
    // Written after the re-driven records: a crash in between re-drives those letters again on the
    // next run, which `_id = meta.id` absorbs; the other order could lose them.
    const entries: RedriveEntry[] = sends.map((s) => ({
      ref: s.letter.ref,
      metaId: s.letter.metaId,
      topic: s.topic,
      run,
      by: command.by,
      at,
    }));
    await writeAudit(
      producer,
      command.auditTopic,
      auditMessages(entries, {
        run,
        by: command.by,
        at,
        dryRun: false,
        selection: {
          topics: command.topics,
          ...command.range,
          ...command.filter,
          toTopic: command.toTopic,
          force: command.force,
        },
        sent: sends.length,
        skipped,
      }),
    );
  } finally {
    await producer.disconnect();
  }
  io.err(
    `re-drove ${sends.length} of ${letters.length} letter(s) (run ${run}, by ${command.by}); skipped: ${skippedText}`,
  );
  return 0;
}

export async function runDlq(argv: readonly string[], io: Io): Promise<number> {
  const { command, connection } = parseDlqArgs(argv, io.env, io.now());
  if (command.action === "help") {
    io.out(DLQ_USAGE);
    return 0;
  }
  const kafka = commandKafka(connection, io);
  if (command.action === "list") return list(kafka, command, io);
  if (command.action === "show") return show(kafka, command, io);
  return redrive(kafka, command, io);
}
