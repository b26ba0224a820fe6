/**
 * The raw `_bulk` ceiling of part b: the indexer's own documents for a backlog (lib/indexer-documents.ts),
 * prepared in memory, sent by a minimal client (fetch, NDJSON Buffers, N requests in flight) into the
 * same templates and the same monthly indices, timed like the indexer: until every document is searchable.
 */
import { sleep } from "@wikistream/resilience";
import { waitFor } from "@wikistream/testkit";
import type { BenchContext } from "../context.ts";
import { say } from "../format.ts";
import {
  bulkBodies,
  installTemplates,
  loadIndexerConfig,
  type PreparedDocument,
} from "../lib/indexer-documents.ts";
import { indexerEnv, indexerNames } from "../lib/names.ts";
import { machineBusySince, machineCpu } from "../lib/procfs.ts";
import { opensearchUrl, searchableCount } from "../lib/stack.ts";
import { summarize } from "../lib/stats.ts";
import type { Backlog } from "./ingest.ts";

export interface CeilingResult {
  bulkSize: number;
  inFlight: number;
  documents: number;
  /** Items OpenSearch refused (never retried: a minimal client). */
  failed: number;
  finalCount: number;
  bulks: number;
  bulkMs: { mean: number; p95: number };
  firstSearchableSeconds: number;
  seconds: number;
  cpuSeconds: number;
  machineBusy: number;
}

interface BulkAnswer {
  errors?: boolean;
  items?: Record<string, { status?: number }>[];
}

/** POSTs one body; a whole-request 429/503 is sent again after 100 ms. Returns the refused items. */
async function sendBulk(body: Uint8Array<ArrayBuffer>): Promise<number> {
  for (;;) {
    const response = await fetch(`${opensearchUrl}/_bulk`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body,
    });
    const answer = (await response.json()) as BulkAnswer;
    if (response.status === 429 || response.status === 503) {
      await sleep(100);
      continue;
    }
    if (!response.ok) throw new Error(`_bulk answered HTTP ${response.status}: ${JSON.stringify(answer)}`);
    if (answer.errors !== true) return 0;
    return (answer.items ?? []).filter((item) => (Object.values(item)[0]?.status ?? 500) >= 300).length;
  }
}

export async function bulkCeiling(
  ctx: BenchContext,
  backlog: Backlog,
  documents: readonly PreparedDocument[],
  bulkSize: number,
  inFlight: number,
  pass: number,
): Promise<CeilingResult> {
  const { opensearch } = ctx;
  const names = indexerNames(backlog.entry.topics, `ceiling-${bulkSize}x${inFlight}-${pass}`);
  backlog.entry.indexers.push(names);
  // The settings the spawned indexer runs with: the same templates, bucket and refresh interval.
  const config = loadIndexerConfig({ ...process.env, ...indexerEnv(backlog.entry.topics, names) });
  const bodies = bulkBodies(documents, config.indexPrefix, config.indexBucket, bulkSize);
  say(
    `raw _bulk ceiling (${backlog.dataset.name}): ${documents.length} documents, ${bulkSize} × ${inFlight} in flight …`,
  );
  const machine = machineCpu();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  await installTemplates(opensearch, {
    prefix: config.indexPrefix,
    shards: config.indexShards,
    replicas: config.indexReplicas,
    refreshInterval: config.refreshInterval,
  });
  let next = 0;
  let failed = 0;
  const durations: number[] = [];
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const sent = performance.now();
      failed += await sendBulk(body);
      durations.push(performance.now() - sent);
    }
  };
  const sending = Promise.all(Array.from({ length: inFlight }, worker));
  let firstSearchable = Number.NaN;
  const searchable = waitFor(
    `${documents.length} documents searchable (raw _bulk)`,
    async () => {
      const count = await searchableCount(opensearch, config.indexPrefix);
      if (count > 0 && Number.isNaN(firstSearchable)) firstSearchable = performance.now();
      return count >= documents.length - failed && next >= bodies.length;
    },
    240_000,
    100,
  );
  await Promise.all([sending, searchable]);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const machineBusy = machineBusySince(machine);
  await opensearch.indices.refresh({ index: `${config.indexPrefix}-*`, allow_no_indices: true });
  const bulkMs = summarize(durations);
  return {
    bulkSize,
    inFlight,
    documents: documents.length,
    failed,
    finalCount: await searchableCount(opensearch, config.indexPrefix),
    bulks: bodies.length,
    bulkMs: { mean: bulkMs.mean, p95: bulkMs.p95 },
    firstSearchableSeconds: (firstSearchable - started) / 1000,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    machineBusy,
  };
}
