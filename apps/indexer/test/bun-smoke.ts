/**
 * Bun smoke test: `bun apps/indexer/test/bun-smoke.ts` (exit 0 on success). Starts the indexer from
 * its factory on Bun against the local stack, serves its HTTP routes with the Bun runtime adapter,
 * produces the real recorded events and checks each is indexed exactly once.
 */

import { detectRuntime } from "@wikistream/runtime";
import { createHttpApp } from "../src/http/server.ts";
import { loadRealEvents } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const deadline = setTimeout(() => {
  console.error("bun-smoke: FAILED (timed out after 90 s)");
  process.exit(2);
}, 90_000);

const sandbox = createSandbox("indexer-bun-smoke");
const events = loadRealEvents();
let server: { port: number; close: () => Promise<void> } | undefined;
let failure: unknown;

try {
  if (!isBun) throw new Error("run me with bun: bun apps/indexer/test/bun-smoke.ts");
  const started = Date.now();
  await sandbox.setUp(events);

  const running = await sandbox.startIndexer();
  const app = createHttpApp({
    registry: running.metrics.registry,
    ready: running.indexer.ready,
    healthy: running.indexer.healthy,
    status: running.indexer.status,
  });
  server = await (await detectRuntime()).serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await sandbox.waitUntilCommitted(60_000);

  const result = await sandbox.compareIndex(events);
  if (
    result.documents !== events.length ||
    result.missing.length + result.duplicated.length + result.unexpected.length > 0
  ) {
    throw new Error(
      `index does not match the topic: ${JSON.stringify({ ...result, missing: result.missing.length })}`,
    );
  }
  const ready = await fetch(`http://127.0.0.1:${server.port}/readyz`);
  if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status}`);
  const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  if (!metrics.includes('wikistream_indexer_documents_total{result="indexed",reason=""} 187')) {
    throw new Error("/metrics does not show 187 indexed documents");
  }
  if (!/^wikistream_build_info\{[^}]*runtime="bun"[^}]*\} 1$/m.test(metrics)) {
    throw new Error('/metrics has no wikistream_build_info{runtime="bun"}');
  }
  console.log(
    `bun-smoke: OK on Bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}: ` +
      `${events.length} real events indexed exactly once in ${Date.now() - started} ms`,
  );
} catch (error) {
  failure = error;
} finally {
  await server?.close().catch(() => {});
  await sandbox.tearDown().catch(() => {});
}
clearTimeout(deadline);
if (failure !== undefined) {
  console.error("bun-smoke: FAILED", failure);
  process.exit(1);
}
process.exit(0);
