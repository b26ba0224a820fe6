// End to end: the real recordings → replay server → ingest (process) → Kafka → indexer (process) →
// OpenSearch. Every distinct non-canary meta.id must become exactly one document with its fields intact.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { loadAllRecordings, type RecordedEvent, startReplayServer } from "@wikistream/replay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const brokers = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
const opensearch = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const run = randomUUID().slice(0, 8);
const topicPrefix = `e2e-${run}.`;
const indexPrefix = `e2e-${run}`;
const children: { name: string; child: ChildProcess; output: string[] }[] = [];

function start(app: "ingest" | "indexer", env: Record<string, string>) {
  const output: string[] = [];
  const child = spawn("node", ["src/main.ts"], {
    cwd: `${root}apps/${app}`,
    env: { ...process.env, KAFKA_BROKERS: brokers, OPENSEARCH_URL: opensearch, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => output.push(String(chunk)));
  children.push({ name: app, child, output });
  return child;
}

async function search(
  body: unknown,
): Promise<{ hits: { hits: { _id: string; _index: string; _source: Record<string, unknown> }[] } }> {
  const response = await fetch(
    `${opensearch}/${indexPrefix}-recentchange,${indexPrefix}-page_change/_search`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  if (!response.ok) throw new Error(`search failed: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as never;
}

let events: RecordedEvent[];
let replay: Awaited<ReturnType<typeof startReplayServer>>;

beforeAll(async () => {
  events = await loadAllRecordings();
  replay = await startReplayServer({ events });
});

afterAll(async () => {
  for (const { child } of children) if (child.exitCode === null) child.kill("SIGKILL");
  await replay?.close();
  await fetch(`${opensearch}/${indexPrefix}-*`, { method: "DELETE" }).catch(() => {});
});

describe("end to end: recordings → ingest → Kafka → indexer → OpenSearch", () => {
  it("indexes every distinct non-canary meta.id exactly once with its fields intact, then both apps drain on SIGTERM", async () => {
    const expected = new Map<string, RecordedEvent>();
    for (const event of events) {
      const meta = event.event.meta as { id: string; domain?: string };
      if (meta.domain !== "canary") expected.set(meta.id, event);
    }
    const ingest = start("ingest", {
      INGEST_STREAM_URL: `${replay.url}/v2/stream`,
      INGEST_STREAMS: "recentchange,page_change",
      INGEST_TOPIC_PREFIX: topicPrefix,
      INGEST_DLQ_TOPIC: `${topicPrefix}ingest.dlq`,
      INGEST_HTTP_PORT: "0",
    });
    const indexer = start("indexer", {
      INDEXER_TOPICS: `${topicPrefix}mediawiki.recentchange,${topicPrefix}mediawiki.page_change.v1`,
      INDEXER_TOPIC_PREFIX: topicPrefix,
      INDEXER_GROUP_ID: `e2e-${run}`,
      INDEXER_DLQ_TOPIC: `${topicPrefix}indexer.dlq`,
      INDEXER_INDEX_PREFIX: indexPrefix,
      INDEXER_INDEX_REPLICAS: "0",
      // The recordings reach back to 2020: older than the live default's horizon.
      INDEXER_EVENT_MAX_AGE_DAYS: "36600",
      INDEXER_HTTP_PORT: "0",
    });

    const deadline = Date.now() + 90_000;
    let hits: Awaited<ReturnType<typeof search>>["hits"]["hits"] = [];
    while (Date.now() < deadline) {
      hits = await search({ size: 10_000, query: { match_all: {} } })
        .then((r) => r.hits.hits)
        .catch(() => []);
      if (hits.length >= expected.size) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const logs = () => children.map((c) => `--- ${c.name}\n${c.output.join("").slice(-2000)}`).join("\n");
    expect(hits.length, logs()).toBe(expected.size);
    expect(new Set(hits.map((h) => h._id))).toEqual(new Set(expected.keys()));

    // Fields as received: every field of the original event is in the document with the same value.
    for (const hit of hits) {
      const original = expected.get(hit._id)!.event as Record<string, unknown>;
      for (const [field, value] of Object.entries(original))
        expect(hit._source[field], `${hit._id}.${field}`).toEqual(value);
    }

    const exits = [once(ingest, "exit"), once(indexer, "exit")];
    ingest.kill("SIGTERM");
    indexer.kill("SIGTERM");
    const codes = (await Promise.all(exits)).map(([code]) => code);
    expect(codes, logs()).toEqual([0, 0]);
  }, 150_000);
});
