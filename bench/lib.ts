/**
 * Shared pieces of the benchmarks: names of what a run creates (and deletes), real events multiplied,
 * percentiles, process memory from /proc, Prometheus text parsing, cleanup. Nothing here is timed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import type { Client } from "@opensearch-project/opensearch";
import { createKafka } from "@wikistream/kafka";
import { silentLogger } from "@wikistream/log";
import { createOpenSearch } from "@wikistream/opensearch";
import { loadAllRecordings, multiplyEvents, type RecordedEvent } from "@wikistream/replay";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
export const brokers = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
export const opensearchUrl = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
export const bunBin = fileURLToPath(new URL("../node_modules/.bin/bun", import.meta.url));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The real recordings (~187 events) and `copies` copies of them, each with a fresh meta.id. */
export async function realEvents(
  copies: number,
): Promise<{ real: RecordedEvent[]; events: RecordedEvent[] }> {
  const real = await loadAllRecordings();
  return { real, events: multiplyEvents(real, copies) };
}

/** Bytes of the event JSON, as sent over SSE and stored as the Kafka record value. */
export function dataBytes(events: readonly RecordedEvent[]): number {
  return events.reduce((sum, e) => sum + Buffer.byteLength(e.data), 0);
}

/** Topics of one benchmark run: what ingest writes and the indexers read. Prefix `wsb-` = wikistream bench. */
export interface RunTopics {
  id: string;
  topicPrefix: string;
  recentchange: string;
  pageChange: string;
  ingestDlq: string;
}

export function runTopics(): RunTopics {
  const id = randomUUID().slice(0, 8);
  const topicPrefix = `wsb-${id}.`;
  return {
    id,
    topicPrefix,
    recentchange: `${topicPrefix}mediawiki.recentchange`,
    pageChange: `${topicPrefix}mediawiki.page_change.v1`,
    ingestDlq: `${topicPrefix}ingest.dlq`,
  };
}

/** One indexer instance's own group, dead-letter topic and index prefix over the run's topics. */
export interface IndexerNames {
  groupId: string;
  dlqTopic: string;
  indexPrefix: string;
}

export function indexerNames(topics: RunTopics, label: string): IndexerNames {
  return {
    groupId: `wsb-${topics.id}-${label}`,
    dlqTopic: `${topics.topicPrefix}indexer-${label}.dlq`,
    indexPrefix: `wsb-${topics.id}-${label}`,
  };
}

/** Environment for `apps/indexer/src/main.ts` (defaults otherwise: refresh 1s, bulk 1000 docs, flush 200 ms). */
export function indexerEnv(topics: RunTopics, names: IndexerNames): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers,
    OPENSEARCH_URL: opensearchUrl,
    INDEXER_CLIENT_ID: names.groupId,
    INDEXER_GROUP_ID: names.groupId,
    INDEXER_TOPICS: `${topics.recentchange},${topics.pageChange}`,
    INDEXER_TOPIC_PREFIX: topics.topicPrefix,
    INDEXER_DLQ_TOPIC: names.dlqTopic,
    INDEXER_INDEX_PREFIX: names.indexPrefix,
    // The local stack is one node: a replica could never be assigned.
    INDEXER_INDEX_REPLICAS: "0",
    INDEXER_HTTP_PORT: "0",
    INDEXER_LOG_LEVEL: "warn",
  };
}

export function benchKafka(clientId: string) {
  return createKafka({ brokers: brokers.split(","), clientId, logger: silentLogger });
}

export function benchOpenSearch(): Client {
  return createOpenSearch({ url: opensearchUrl, requestTimeoutMs: 30_000 });
}

/** Documents visible to search now (no forced refresh: what a user would see). */
export async function searchableCount(client: Client, indexPrefix: string): Promise<number> {
  const response = await client.count({ index: `${indexPrefix}-*`, allow_no_indices: true });
  return response.body.count;
}

/** Deletes what a run created: indices and templates per index prefix, consumer groups, topics. */
export async function cleanup(
  client: Client,
  topics: RunTopics,
  indexers: readonly IndexerNames[],
): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (indexers.length > 0) {
    // OpenSearch may be down for a moment (an outage test by someone else on the same stack).
    await attempt("OpenSearch reachable", () =>
      waitUntil(
        "OpenSearch",
        async () => (await client.cluster.health()).body.status !== "red",
        120_000,
        1000,
      ),
    );
  }
  for (const { indexPrefix } of indexers) {
    await attempt(`indices ${indexPrefix}-*`, () =>
      client.indices.delete({ index: `${indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true }),
    );
    for (const family of ["recentchange", "page_change"]) {
      await attempt(`index template ${indexPrefix}-${family}`, () =>
        client.indices.deleteIndexTemplate({ name: `${indexPrefix}-${family}` }),
      );
    }
    for (const name of ["settings", "common-mappings", "recentchange-mappings", "page_change-mappings"]) {
      await attempt(`component template ${indexPrefix}-${name}`, () =>
        client.cluster.deleteComponentTemplate({ name: `${indexPrefix}-${name}` }),
      );
    }
  }
  const kafka = benchKafka("wikistream-bench-cleanup");
  const admin = kafka.admin();
  await attempt("kafka admin connect", () => admin.connect());
  const groups = indexers.map((i) => i.groupId);
  if (groups.length > 0) {
    const existing = new Set(
      (await admin.listGroups().catch(() => ({ groups: [] }))).groups.map((g) => g.groupId),
    );
    const ours = groups.filter((g) => existing.has(g));
    if (ours.length > 0) await attempt("consumer groups", () => admin.deleteGroups(ours));
  }
  await attempt("topics", async () => {
    const existing = await admin.listTopics();
    const ours = existing.filter((t) => t.startsWith(topics.topicPrefix));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  });
  await admin.disconnect().catch(() => {});
  return problems;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    mean,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Resident memory of a process in MB from /proc (Linux): now, and the peak (VmHWM) since it started. */
export function processMemory(pid: number): { rssMb: number; peakRssMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / clockTicks();
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  return ticksPerSecond;
}

/** A Prometheus histogram read from exposition text, summed over every label set. */
export interface ScrapedHistogram {
  count: number;
  sum: number;
  /** Cumulative counts per upper bound, ascending. */
  buckets: [number, number][];
}

export function scrapeHistogram(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): ScrapedHistogram {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (line.startsWith(`${name}_bucket`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      const bound = le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    } else if (line.startsWith(`${name}_count`)) count += value;
    else if (line.startsWith(`${name}_sum`)) sum += value;
  }
  return { count, sum, buckets: [...buckets].sort((a, b) => a[0] - b[0]) };
}

/** The upper bound of the bucket holding quantile q: "p95 ≤ this", all a histogram can say. */
export function bucketQuantile(histogram: ScrapedHistogram, q: number): number {
  const target = q * histogram.count;
  for (const [bound, cumulative] of histogram.buckets) if (cumulative >= target) return bound;
  return Number.NaN;
}

/** Sum of a counter's samples whose labels include `labels`. */
export function scrapeSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${String(lastError)})` : ""}`,
  );
}

/** The line a child benchmark prints last; run.ts parses it. */
export const RESULT_PREFIX = "BENCH_RESULT ";

export const round = (value: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port from listen(0)");
  return address.port;
}

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly exited: Promise<number | null>;
  /** The last 8 KB of stdout and stderr, for error messages. */
  output(): string;
  getJson(path: string): Promise<unknown>;
  getText(path: string): Promise<string>;
  ready(): Promise<boolean>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. Resolves with the exit code. */
  terminate(graceMs?: number): Promise<number | null>;
}

/** Starts an app's `src/main.ts` (`apps/<app>`) on node or bun with its HTTP port set. */
export async function spawnApp(
  app: "ingest" | "indexer",
  runtime: "node" | "bun",
  env: Record<string, string>,
): Promise<AppProcess> {
  const port = await freePort();
  const portVariable = app === "ingest" ? "INGEST_HTTP_PORT" : "INDEXER_HTTP_PORT";
  const command = runtime === "node" ? process.execPath : bunBin;
  const child = spawn(command, [`${repoRoot}apps/${app}/src/main.ts`], {
    cwd: `${repoRoot}apps/${app}`,
    env: { ...process.env, ...env, [portVariable]: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${app} on ${runtime} did not start`);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8192);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  return {
    name: `${app} (${runtime})`,
    child,
    pid: child.pid,
    port,
    exited,
    output: () => output,
    getJson: async (path) => (await fetch(`${base}${path}`)).json(),
    getText: async (path) => (await fetch(`${base}${path}`)).text(),
    ready: async () => {
      try {
        return (await fetch(`${base}/readyz`)).status === 200;
      } catch {
        return false;
      }
    },
    async terminate(graceMs = 40_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (/proc/stat, all cores). */
export function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** Share of all cores that was busy since `start` (everything on the machine, not only our processes). */
export function machineBusySince(start: { busy: number; total: number }): number {
  const now = machineCpu();
  return (now.busy - start.busy) / Math.max(1, now.total - start.total);
}
