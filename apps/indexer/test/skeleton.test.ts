import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexFor } from "../src/index/names.ts";
import { metricValue, type RunningIndexer } from "./helpers/in-process-indexer.ts";
import { loadRealEvents, type RealEvent, withChange } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// The walking skeleton: every real recorded event goes through Kafka and the indexer into OpenSearch,
// and comes out as exactly one document with the event's fields intact.

const sandbox = createSandbox();
const { names, kafka, client } = sandbox;
const real = loadRealEvents();
// A canary heartbeat (meta.domain == "canary", as announced in 2023) built from a real event.
const canary: RealEvent = withChange(real[0]!, (event) => {
  (event.meta as Record<string, unknown>).domain = "canary";
  (event.meta as Record<string, unknown>).id = "5e8f8c1c-0000-4000-8000-000000000000";
});
let running: RunningIndexer | undefined;

beforeAll(
  () => sandbox.setUp([...real, { ...canary, metaId: "5e8f8c1c-0000-4000-8000-000000000000" }]),
  60_000,
);
afterAll(() => sandbox.tearDown(), 60_000);

describe("indexer walking skeleton (real Kafka + real OpenSearch)", () => {
  it("indexes every real event exactly once with _id = meta.id and commits to the end", async () => {
    const started = Date.now();
    running = await sandbox.startIndexer();
    await sandbox.waitUntilCommitted(45_000, "offsets committed to the end of every partition");
    expect(await sandbox.compareIndex(real)).toEqual({
      expected: 187,
      documents: 187,
      missing: [],
      duplicated: [],
      unexpected: [],
    });
    console.info(`skeleton: 187 real events indexed and committed in ${Date.now() - started} ms`);
    const documents = "wikistream_indexer_documents_total";
    expect(await metricValue(running.metrics, documents, { result: "indexed" })).toBe(187);
    expect(await metricValue(running.metrics, documents, { result: "skipped", reason: "canary" })).toBe(1);
    expect(await metricValue(running.metrics, documents, { result: "dead_lettered" })).toBe(0);
  }, 60_000);

  it("keeps each event's fields intact and adds the derived ones", async () => {
    const response = await client.search({
      index: `${names.indexPrefix}-all`,
      body: { size: 1000, query: { match_all: {} } },
    });
    const hits = response.body.hits.hits as {
      _id: string;
      _index: string;
      _source: Record<string, unknown>;
    }[];
    expect(hits).toHaveLength(187);
    const byId = new Map(real.map((e) => [e.metaId, e]));
    for (const hit of hits) {
      const original = byId.get(hit._id)!;
      const { wikistream, ...event } = hit._source;
      expect(event, `${original.file} ${hit._id}`).toEqual(JSON.parse(original.data));
      expect((wikistream as { event_time: string }).event_time).toBe(
        new Date((JSON.parse(original.data) as { meta: { dt: string } }).meta.dt).toISOString(),
      );
      // Routed by meta.dt: the month of the event names the index.
      const month = (wikistream as { event_time: string }).event_time.slice(0, 7).replace("-", ".");
      expect(hit._index.endsWith(month)).toBe(true);
    }
  }, 30_000);

  it("rewrites the same documents when the whole topic is delivered again (no duplicates)", async () => {
    await running?.stop();
    running = undefined;
    const admin = kafka.admin();
    await admin.connect();
    for (const topic of [names.topics.recentchange, names.topics.pageChange]) {
      await admin.resetOffsets({ groupId: names.groupId, topic, earliest: true });
    }
    await admin.disconnect();
    running = await sandbox.startIndexer();
    await waitFor(
      "the replay indexed",
      async () =>
        (await metricValue(running!.metrics, "wikistream_indexer_documents_total", { result: "indexed" })) ===
        187,
      45_000,
    );
    await sandbox.waitUntilCommitted(20_000, "offsets committed again");
    expect(await sandbox.compareIndex(real)).toMatchObject({ documents: 187, duplicated: [], missing: [] });
    // A read alias over several indices cannot serve GET by id; search by _id instead.
    const search = await client.search({
      index: `${names.indexPrefix}-all`,
      body: { query: { ids: { values: [real[5]!.metaId] } }, version: true },
    });
    const hit = search.body.hits.hits[0] as { _version: number };
    expect(hit._version).toBe(2);
  }, 60_000);

  it("installed the templates and aliases", async () => {
    const templates = await client.indices.getIndexTemplate({ name: `${names.indexPrefix}-*` });
    expect(templates.body.index_templates.map((t: { name: string }) => t.name).sort()).toEqual([
      `${names.indexPrefix}-page_change`,
      `${names.indexPrefix}-recentchange`,
    ]);
    const aliases = await client.indices.getAlias({ name: `${names.indexPrefix}-page_change` });
    // The recorded month, and the current one: created at start so that live records find it ready.
    const current = indexFor(names.indexPrefix, "mediawiki.page_change.v1", Date.now(), "month");
    expect(Object.keys(aliases.body).sort()).toEqual(
      [`${names.indexPrefix}-page_change-2026.09`, current].sort(),
    );
  });
});
