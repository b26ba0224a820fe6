import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IndexerProcess, sampleSum, spawnIndexer } from "./helpers/process.ts";
import { loadRealEvents } from "./helpers/recordings.ts";
import {
  cleanup,
  compareIds,
  connectedProducer,
  createTestTopics,
  documentCounts,
  fullyCommitted,
  produceEvents,
  testEnv,
  testKafka,
  testOpenSearch,
  uniqueNames,
  waitFor,
} from "./helpers/stack.ts";

// The indexer on Bun, from the Node test runner: the smoke script (factory + Bun HTTP adapter), and
// src/main.ts as a Bun process indexing real events and draining on SIGTERM.

const bun = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const smoke = fileURLToPath(new URL("./bun-smoke.ts", import.meta.url));
const names = uniqueNames();
const kafka = testKafka();
const client = testOpenSearch();
const events = loadRealEvents();
let child: IndexerProcess | undefined;

beforeAll(async () => {
  await createTestTopics(kafka, names);
}, 60_000);

afterAll(async () => {
  child?.kill9();
  await cleanup(kafka, client, names);
  await client.close();
}, 60_000);

describe("indexer on Bun", () => {
  it("passes the Bun smoke test (bun test/bun-smoke.ts exits 0)", async () => {
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(bun, [smoke], { timeout: 100_000 }, (error, stdout, stderr) =>
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          output: `${stdout}\n${stderr}`,
        }),
      );
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("bun-smoke: OK");
  }, 110_000);

  it("runs src/main.ts under Bun: indexes every real event once, then drains and exits 0 on SIGTERM", async () => {
    const producer = await connectedProducer(kafka);
    await produceEvents(producer, names, events);
    await producer.disconnect();
    child = spawnIndexer("bun-main", testEnv(names), "bun");
    await waitFor("everything committed", () => fullyCommitted(kafka, names), 60_000);
    const counts = await documentCounts(client, names.indexPrefix);
    expect(
      compareIds(
        events.map((e) => e.metaId),
        counts,
      ),
    ).toMatchObject({
      documents: events.length,
      missing: [],
      duplicated: [],
    });
    expect(((await child.fetchJson("/readyz")) as { ready: boolean }).ready).toBe(true);
    expect(
      sampleSum(await child.metrics(), "wikistream_indexer_documents_total", { result: "indexed" }),
    ).toBe(events.length);
    expect(child.logs.find((l) => l.msg === "indexer running")?.runtime).toBe("bun");
    expect(await child.terminate()).toBe(0);
  }, 90_000);
});
