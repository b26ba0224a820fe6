import { randomUUID } from "node:crypto";
import { createProducer } from "@wikistream/kafka";
import { CompressionTypes, type Kafka, type Producer } from "kafkajs";
import type { Io } from "../io.ts";
import { Progress } from "../io.ts";
import { existingTopics } from "../kafka/connect.ts";
import type { DlqCommand } from "./args.ts";
import { auditMessages, ensureAuditTopic, type RedriveEntry, readRedriven, writeAudit } from "./audit.ts";
import { selectLetters, summaryOf } from "./read.ts";
import { chunkSends, planRedrive, type RedriveStep } from "./redrive-plan.ts";

type Redrive = Extract<DlqCommand, { action: "redrive" }>;
type Send = Extract<RedriveStep, { kind: "send" }>;

/** Who re-drives, and when: one run's identity, shared by every audit entry it writes. */
interface Run {
  readonly id: string;
  readonly at: string;
}

/** How many letters were skipped, by why. Pure. */
export function tallySkips(steps: readonly RedriveStep[]): Record<string, number> {
  const skipped: Record<string, number> = {};
  for (const step of steps) if (step.kind === "skip") skipped[step.why] = (skipped[step.why] ?? 0) + 1;
  return skipped;
}

/** `2 already_redriven, 1 no_target`, or `none`. Pure. */
export const skippedText = (skipped: Readonly<Record<string, number>>): string =>
  Object.entries(skipped)
    .map(([why, n]) => `${n} ${why}`)
    .join(", ") || "none";

/** Sends per target topic, each in letter order. Pure. */
export function sendsByTopic(sends: readonly Send[]): Map<string, Send[]> {
  const byTopic = new Map<string, Send[]>();
  for (const step of sends) byTopic.set(step.topic, [...(byTopic.get(step.topic) ?? []), step]);
  return byTopic;
}

/** The audit topic's record of one run: an entry per re-driven letter, then the run itself. Pure. */
export function runAudit(
  command: Redrive,
  sends: readonly Send[],
  skipped: Record<string, number>,
  run: Run,
) {
  const entries: RedriveEntry[] = sends.map((s) => ({
    ref: s.letter.ref,
    metaId: s.letter.metaId,
    topic: s.topic,
    run: run.id,
    by: command.by,
    at: run.at,
  }));
  return auditMessages(entries, {
    run: run.id,
    by: command.by,
    at: run.at,
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
  });
}

/** Letter refs the audit topic lists as re-driven already (none while it does not exist). */
async function alreadyRedriven(kafka: Kafka, auditTopic: string): Promise<Set<string>> {
  const redriven = (await existingTopics(kafka, [auditTopic])).found.length
    ? await readRedriven(kafka, auditTopic)
    : new Map<string, RedriveEntry>();
  return new Set(redriven.keys());
}

/** Says per step what happens: every skip on stderr; the sends on stdout for --dry-run or --json. */
function reportSteps(steps: readonly RedriveStep[], command: Redrive, io: Io): void {
  for (const step of steps) {
    if (step.kind === "skip") {
      io.err(`skip ${step.letter.ref} (${step.why}): ${step.detail}`);
    } else if (command.dryRun || command.json) {
      io.out(
        command.json
          ? JSON.stringify({ ...summaryOf(step.letter), to: step.topic, dryRun: command.dryRun })
          : `would send ${step.letter.ref} → ${step.topic}`,
      );
    }
  }
}

/** Per target topic, in letter order, in chunks under Kafka's default 1 MiB batch limit. */
async function sendAll(producer: Producer, sends: readonly Send[], io: Io): Promise<void> {
  const progress = new Progress(io, "re-driving", sends.length);
  for (const [topic, group] of sendsByTopic(sends)) {
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
}

export async function redrive(kafka: Kafka, command: Redrive, io: Io): Promise<number> {
  const letters = await selectLetters(kafka, command, io);
  if (!command.dryRun) await ensureAuditTopic(kafka, command.auditTopic);
  const steps = planRedrive(letters, {
    redriven: await alreadyRedriven(kafka, command.auditTopic),
    toTopic: command.toTopic,
    force: command.force,
  });
  const sends = steps.filter((s) => s.kind === "send");
  const skipped = tallySkips(steps);
  reportSteps(steps, command, io);
  if (command.dryRun) {
    io.err(
      `dry run: ${sends.length} of ${letters.length} letter(s) would be re-driven; skipped: ${skippedText(skipped)}`,
    );
    return 0;
  }
  const run: Run = { id: randomUUID(), at: new Date(io.now()).toISOString() };
  const { producer } = createProducer(kafka);
  await producer.connect();
  try {
    await sendAll(producer, sends, io);
    // Written after the re-driven records: a crash in between re-drives those letters again on the
    // next run, which `_id = meta.id` absorbs; the other order could lose them.
    await writeAudit(producer, command.auditTopic, runAudit(command, sends, skipped, run));
  } finally {
    await producer.disconnect();
  }
  io.err(
    `re-drove ${sends.length} of ${letters.length} letter(s) (run ${run.id}, by ${command.by}); skipped: ${skippedText(skipped)}`,
  );
  return 0;
}
