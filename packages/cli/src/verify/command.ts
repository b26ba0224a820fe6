import { deadLetterHeaders, recordHeaders } from "@wikistream/events";
import { createOpenSearch } from "@wikistream/opensearch";
import type { Admin, Kafka } from "kafkajs";
import type { Io } from "../io.ts";
import { Progress } from "../io.ts";
import { commandKafka, existingTopics } from "../kafka/connect.ts";
import { type PartitionRange, rangeSize } from "../kafka/range.ts";
import { readRanges, topicRanges } from "../kafka/reader.ts";
import { parseVerifyArgs, VERIFY_USAGE, type VerifyCommand } from "./args.ts";
import { IdLookup } from "./lookup.ts";
import { metricsText, writeMetricsFile } from "./metrics-file.ts";
import { type PartitionIds, reconcile } from "./reconcile.ts";

/** Ends each range at the group's committed offset: only what the indexer says it finished. */
async function capAtCommitted(admin: Admin, topic: string, group: string, ranges: PartitionRange[], io: Io) {
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return ranges.map((range) => {
    const offset = committed?.partitions.find((p) => p.partition === range.partition)?.offset ?? "-1";
    if (offset === "-1") {
      io.err(
        `verify: group ${group} has committed nothing on ${topic}[${range.partition}]: nothing to verify there (--to-end reads anyway)`,
      );
      return { ...range, to: range.from };
    }
    const to = BigInt(offset) < BigInt(range.to) ? offset : range.to;
    return { ...range, to: BigInt(to) < BigInt(range.from) ? range.from : to };
  });
}

/** The ids the DLQ topic holds for records of `topics` (letters name their source topic). */
async function deadLetteredIds(kafka: Kafka, admin: Admin, dlqTopic: string, topics: readonly string[]) {
  const ids = new Set<string>();
  const ranges = await topicRanges(admin, dlqTopic, {});
  await readRanges(kafka, dlqTopic, ranges, {
    onRecords(records) {
      for (const record of records) {
        const source = record.headers[deadLetterHeaders.topic]?.toString("utf8");
        const id = record.headers[recordHeaders.metaId]?.toString("utf8");
        if (id !== undefined && source !== undefined && topics.includes(source)) ids.add(id);
      }
    },
  });
  return ids;
}

async function readIds(
  kafka: Kafka,
  topic: string,
  ranges: PartitionRange[],
  io: Io,
): Promise<PartitionIds[]> {
  const parts = new Map(
    ranges.map((r) => [
      r.partition,
      {
        topic,
        partition: r.partition,
        from: r.from,
        to: r.to,
        records: 0,
        withoutId: 0,
        ids: new Set<string>(),
      },
    ]),
  );
  const progress = new Progress(io, `reading ${topic}`, rangeSize(ranges));
  await readRanges(kafka, topic, ranges, {
    onRecords(records) {
      progress.add(records.length);
      for (const record of records) {
        const part = parts.get(record.partition)!;
        part.records += 1;
        const id = record.headers[recordHeaders.metaId]?.toString("utf8");
        if (id === undefined) part.withoutId += 1;
        else part.ids.add(id);
      }
    },
  });
  return [...parts.values()];
}

/** The ids of every chosen topic's range, and the ids the DLQ topic accounts for. */
async function readTopics(command: VerifyCommand, kafka: Kafka, io: Io) {
  const { found, missing: absent } = await existingTopics(kafka, command.topics);
  for (const topic of absent) io.err(`verify: topic ${topic} does not exist`);
  const partitions: PartitionIds[] = [];
  let dead = new Set<string>();
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of found) {
      let ranges = await topicRanges(admin, topic, command.range);
      if (command.group !== undefined) ranges = await capAtCommitted(admin, topic, command.group, ranges, io);
      partitions.push(...(await readIds(kafka, topic, ranges, io)));
    }
    if (
      command.dlqTopic !== undefined &&
      (await existingTopics(kafka, [command.dlqTopic])).found.length > 0
    ) {
      dead = await deadLetteredIds(kafka, admin, command.dlqTopic, found);
    }
  } finally {
    await admin.disconnect();
  }
  return { partitions, dead };
}

/** Documents per id. A document indexed within the last refresh interval is not searchable yet: look once more. */
async function countDocuments(lookup: IdLookup, ids: string[]): Promise<Map<string, number>> {
  const documents = new Map<string, number>();
  await lookup.count(ids, documents);
  const unseen = [...documents].filter(([, n]) => n === 0).map(([id]) => id);
  if (unseen.length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const id of unseen) documents.delete(id);
    await lookup.count(unseen, documents);
  }
  return documents;
}

async function verify(
  command: VerifyCommand,
  kafka: Kafka,
  io: Io,
  connection: Parameters<typeof createOpenSearch>[0],
) {
  const started = io.now();
  const { partitions, dead } = await readTopics(command, kafka, io);
  const readMs = io.now() - started;
  const client = createOpenSearch(connection);
  const lookup = new IdLookup(client, `${command.indexPrefix}-all`, command.batch);
  const documents = await countDocuments(lookup, [...new Set(partitions.flatMap((p) => [...p.ids]))]);
  const result = reconcile(partitions, documents, dead);
  const finished = io.now();
  const records = partitions.reduce((sum, p) => sum + p.records, 0);
  return {
    ...result,
    records,
    requests: lookup.requests,
    readMs,
    durationMs: finished - started,
    finishedMs: finished,
  };
}

export async function runVerify(argv: readonly string[], io: Io): Promise<number> {
  const { command, connection } = parseVerifyArgs(argv, io.env, io.now());
  if (command.help) {
    io.out(VERIFY_USAGE);
    return 0;
  }
  const kafka = commandKafka(connection, io);
  const run = await verify(command, kafka, io, connection.opensearch);
  for (const p of run.partitions) {
    const line = { ...p, missing: p.missing.slice(0, command.show), missingCount: p.missing.length };
    io.out(
      command.json
        ? JSON.stringify(line)
        : `${p.topic}[${p.partition}] offsets ${p.from}..${p.to}: ${p.records} records, ${p.ids} ids, ${p.documents} documents, ${p.missing.length} missing, ${p.deadLettered} dead-lettered, ${p.unexpected.length} unexpected${p.missing.length ? ` (missing: ${line.missing.join(", ")})` : ""}`,
    );
  }
  const perSecond = run.durationMs > 0 ? Math.round((run.records * 1000) / run.durationMs) : run.records;
  const per1k = run.records > 0 ? ((run.requests * 1000) / run.records).toFixed(2) : "0";
  io.err(
    `verify: ${run.outcome} — ${run.records} records in ${(run.durationMs / 1000).toFixed(1)} s (${perSecond} records/s; Kafka ${(run.readMs / 1000).toFixed(1)} s, OpenSearch ${((run.durationMs - run.readMs) / 1000).toFixed(1)} s), ${run.requests} OpenSearch requests (${per1k} per 1k records)`,
  );
  if (command.metricsFile !== undefined) await writeMetricsFile(command.metricsFile, metricsText(run));
  return run.outcome === "match" ? 0 : 1;
}
