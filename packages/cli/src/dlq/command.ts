import type { Kafka } from "kafkajs";
import type { Io } from "../io.ts";
import { commandKafka } from "../kafka/connect.ts";
import { readRanges, topicRanges } from "../kafka/reader.ts";
import { DLQ_USAGE, type DlqCommand, parseDlqArgs } from "./args.ts";
import { decodeLetter, type Letter } from "./letter.ts";
import { selectLetters, summaryOf } from "./read.ts";
import { redrive } from "./redrive.ts";
import { countByReason } from "./select.ts";

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
