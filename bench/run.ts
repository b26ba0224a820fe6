/**
 * wikistream benchmarks against a real stack (KAFKA_BROKERS, default 127.0.0.1:9092; OPENSEARCH_URL,
 * default http://127.0.0.1:9200). Options: see options.ts and bench/README.md.
 *
 * Runs one part after another (parts/), prints each part's table and writes them all to
 * bench/results/<YYYY-MM-DD>-<host>[-quick].md. Volume is real recorded events × copies, each copy
 * with a fresh meta.id (multiplyEvents); nothing is invented. Everything a run creates (topics
 * `wsb-<id>.*`, consumer groups, indices and templates `wsb-<id>-*`) is deleted at the end, also after
 * a failure or Ctrl-C.
 */
import os from "node:os";
import { compileCacheDir, warmCompileCache } from "../scripts/compile-cache.ts";
import { BenchContext } from "./context.ts";
import { environment } from "./environment.ts";
import { fmt, say } from "./format.ts";
import { fillChildrenCompileCache } from "./lib/child.ts";
import { repoRoot, untilOpenSearchUsable } from "./lib/stack.ts";
import { parseOptions } from "./options.ts";
import { backpressure } from "./parts/backpressure.ts";
import { baselinesSection } from "./parts/baselines.ts";
import { indexerCatchUp } from "./parts/catchup.ts";
import { freshness } from "./parts/freshness.ts";
import { type IngestResults, ingestThroughput } from "./parts/ingest.ts";
import type { Measured } from "./parts/results.ts";

const options = parseOptions(process.argv.slice(2));
// Every child inherits the setting: the apps as production starts them, the bare producer alike.
if (options.compileCache) {
  process.env.NODE_COMPILE_CACHE = compileCacheDir;
  warmCompileCache();
  fillChildrenCompileCache();
} else delete process.env.NODE_COMPILE_CACHE;
const { parts } = options;
const ctx = new BenchContext(options);
ctx.cleanupOnInterrupt();

const startedAt = new Date();
const load = [os.loadavg()];
const header = await environment(ctx.opensearch, options);
console.log(`wikistream benchmarks — ${startedAt.toISOString()}\n${header.join("\n")}`);
let failure: unknown;
try {
  if (parts.has("catchup") || parts.has("freshness")) await untilOpenSearchUsable(ctx.opensearch);
  const measured: Measured[] = [];
  let ingest: IngestResults | undefined;
  if (parts.has("ingest") || parts.has("catchup")) ingest = await ingestThroughput(ctx);
  measured.push(...(ingest?.measured ?? []));
  if (parts.has("catchup") && ingest !== undefined)
    measured.push(...(await indexerCatchUp(ctx, ingest.backlogs)));
  const baselines = baselinesSection(measured);
  if (baselines !== undefined) ctx.report.add(baselines);
  if (parts.has("freshness")) await freshness(ctx);
  if (parts.has("backpressure")) await backpressure(ctx);
} catch (error) {
  failure = error;
  console.error(
    `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
} finally {
  say("deleting the topics, groups, indices and templates this run created …");
  await ctx.cleanupAll();
  await ctx.opensearch.close();
}
load.push(os.loadavg());
const seconds = (Date.now() - startedAt.getTime()) / 1000;

const date = startedAt.toISOString().slice(0, 10);
const file = `${repoRoot}bench/results/${date}-${options.host}${options.quick ? "-quick" : ""}.md`;
const loadText = load.map((l) => l.map((v) => v.toFixed(2)).join(" ")).join(" → ");
if (options.write && !ctx.report.empty) {
  ctx.report.write(file, `wikistream benchmarks, ${date} (${options.host})`, [
    ...header,
    `- started ${startedAt.toISOString()}, took ${fmt(seconds)} s; load average (1/5/15 min) ${loadText}`,
    ...(failure === undefined ? [] : [`- **the run failed**: ${String(failure)}`]),
  ]);
  console.log(`\nwrote ${file.slice(repoRoot.length)} (${fmt(seconds)} s)`);
}
process.exit(failure === undefined ? 0 : 1);
