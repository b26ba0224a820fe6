import { Client } from "@opensearch-project/opensearch";
import { type KeyedEvent, recordHeaders, recordKey } from "@wikistream/events";
import { createKafka, createProducer, ensureTopics } from "@wikistream/kafka";
import { silentLogger } from "@wikistream/log";
import { loadRecording, REAL_RECORDINGS, recordingPath } from "@wikistream/replay";
import { type RunNames, uniqueNames } from "@wikistream/testkit";
import type { Kafka } from "kafkajs";
import { type Io, runCommand } from "../../src/index.ts";

/** What CI provides; a private stack is chosen with the same variables. */
export const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
export const opensearchUrl = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";

export const testKafka = (): Kafka =>
  createKafka({ brokers, clientId: "wikistream-cli-test", logger: silentLogger });
export const testOpenSearch = () => new Client({ node: opensearchUrl });

export interface CliNames extends RunNames {
  dlqTopic: string;
  auditTopic: string;
}

export function cliNames(): CliNames {
  const names = uniqueNames("wst");
  return {
    ...names,
    dlqTopic: `${names.topicPrefix}indexer.dlq`,
    auditTopic: `${names.topicPrefix}dlq.redrives`,
  };
}

export async function createTopics(kafka: Kafka, names: CliNames): Promise<void> {
  await ensureTopics(kafka, [
    { topic: names.topics.recentchange, partitions: 3 },
    { topic: names.topics.pageChange, partitions: 3 },
    { topic: names.dlqTopic, partitions: 1 },
  ]);
}

export interface RealEvent {
  readonly stream: "mediawiki.recentchange" | "mediawiki.page_change.v1";
  readonly metaId: string;
  readonly data: string;
}

/** Real events of the shared recordings (read in place), one stream's. */
export async function realEvents(stream: RealEvent["stream"], count: number): Promise<RealEvent[]> {
  const events: RealEvent[] = [];
  for (const file of Object.keys(REAL_RECORDINGS)) {
    for (const event of await loadRecording(recordingPath(file))) {
      if (event.stream === stream)
        events.push({ stream, metaId: String(event.event.meta?.id), data: event.data });
      if (events.length === count) return events;
    }
  }
  return events;
}

/** As ingest writes them: value = the JSON text, page key, the contract's headers. */
export async function produce(kafka: Kafka, names: CliNames, events: readonly RealEvent[]): Promise<void> {
  const { producer } = createProducer(kafka);
  await producer.connect();
  try {
    const topicOf = (e: RealEvent) =>
      e.stream === "mediawiki.recentchange" ? names.topics.recentchange : names.topics.pageChange;
    for (const event of events) {
      await producer.send({
        topic: topicOf(event),
        acks: -1,
        messages: [
          {
            key: recordKey(event.stream, JSON.parse(event.data) as KeyedEvent),
            value: event.data,
            headers: { [recordHeaders.stream]: event.stream, [recordHeaders.metaId]: event.metaId },
          },
        ],
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Runs `wikistream <argv>` in-process against the test services; output captured. */
/** Runs one command in-process; `env` is what it reads (default: the plain stack's two addresses). */
export async function cli(
  argv: readonly string[],
  env: Record<string, string | undefined> = {
    KAFKA_BROKERS: brokers.join(","),
    OPENSEARCH_URL: opensearchUrl,
  },
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    writeRaw: (bytes) => out.push(Buffer.from(bytes).toString("utf8")),
    env,
    now: () => Date.now(),
  };
  const code = await runCommand(argv, io);
  if (process.env.CLI_TEST_LOG)
    process.stderr.write(`$ wikistream ${argv.join(" ")} → ${code}\n${[...out, ...err].join("\n")}\n`);
  return { code, out, err };
}

/** End offsets of a topic, summed: did anything get written? */
export async function endOffsets(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function topicExists(kafka: Kafka, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/** Committed == end on every partition of the stream topics. */
export async function fullyCommitted(kafka: Kafka, names: CliNames): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of [names.topics.recentchange, names.topics.pageChange]) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: names.groupId, topics: [topic] });
      for (const end of ends) {
        const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? "-1";
        if (end.high !== "0" && done !== end.high) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

/** meta.id → _version of every document in the run's indices. */
export async function documents(client: Client, indexPrefix: string): Promise<Map<string, number>> {
  await client.indices.refresh({ index: `${indexPrefix}-*`, allow_no_indices: true });
  const response = await client.search({
    index: `${indexPrefix}-*`,
    allow_no_indices: true,
    body: { query: { match_all: {} }, size: 10_000, _source: false, version: true },
  });
  const hits = (response.body.hits.hits ?? []) as { _id: string; _version?: number }[];
  return new Map(hits.map((hit) => [hit._id, hit._version ?? 0]));
}

/** Deletes the run's topics, group and indices. */
export async function cleanUp(kafka: Kafka, client: Client, names: CliNames): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const mine = [...existing].filter((t) => t.startsWith(names.topicPrefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    await admin.deleteGroups([names.groupId]).catch(() => undefined); // absent when no indexer ran
  } finally {
    await admin.disconnect();
  }
  await client.indices.delete({
    index: `${names.indexPrefix}-*`,
    allow_no_indices: true,
    expand_wildcards: "all",
  });
}
