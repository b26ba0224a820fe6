import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sampleSum } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bunBin } from "./helpers/process.ts";
import { loadRealEvents } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// The indexer on Bun, from the Node test runner: the smoke script (factory + Bun HTTP adapter), and
// src/main.ts as a Bun process indexing real events and draining on SIGTERM.

const smoke = fileURLToPath(new URL("./bun-smoke.ts", import.meta.url));
const sandbox = createSandbox();
const events = loadRealEvents();

beforeAll(() => sandbox.createTopics(), 60_000);
afterAll(() => sandbox.tearDown(), 60_000);

describe("indexer on Bun", () => {
  it("passes the Bun smoke test (bun test/bun-smoke.ts exits 0)", async () => {
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(bunBin, [smoke], { timeout: 100_000 }, (error, stdout, stderr) =>
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
    await sandbox.produce(events);
    const child = sandbox.spawnIndexer("bun-main", { runtime: "bun" });
    await sandbox.waitUntilCommitted(60_000);
    expect(await sandbox.compareIndex(events)).toMatchObject({
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
