// npm start: brings up the local stack, runs ingest + indexer, shows progress, and tells how to search.
//   npm start                              live Wikimedia EventStreams (needs internet)
//   npm start -- --replay <file> [...]     a recording, served by wikistream's replay server
//   npm start -- --replay <file> --pace original|fast|<multiplier>
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { resolveStream } from "@wikistream/events";
import { nodeFlags as indexerFlags } from "../apps/indexer/src/runtime-flags.ts";
import { nodeFlags as ingestFlags } from "../apps/ingest/src/runtime-flags.ts";
import { compileCacheEnv } from "./compile-cache.ts";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    replay: { type: "string", multiple: true },
    pace: { type: "string", default: "fast" },
    streams: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: npm start [-- --replay <file> [--replay <file>] [--pace fast|original|<multiplier>] [--streams a,b]]",
  );
  process.exit(0);
}
const liveUrl = "https://stream.wikimedia.org/v2/stream";
const example = "../shared/data/wikimedia/recentchange-enwiki-2023-07.ndjson";
const replayFiles = (values.replay ?? []).map((file) => resolve(process.cwd(), file));
for (const file of replayFiles) {
  if (!existsSync(file)) fail(`--replay ${file}: no such file`);
}

function fail(message: string): never {
  console.error(`wikistream: ${message}`);
  process.exit(1);
}

const stack = spawnSync("bash", [resolve(root, "deploy/local/stack.sh"), "up"], { stdio: "inherit" });
if (stack.status !== 0) fail("the local stack did not start (see above)");

let streamUrl = liveUrl;
let streams = values.streams ?? "recentchange";
let closeReplay: (() => Promise<void>) | undefined;
if (replayFiles.length > 0) {
  const { startReplayServer } = await import("@wikistream/replay");
  const pace = values.pace === "fast" || values.pace === "original" ? values.pace : Number(values.pace);
  if (typeof pace === "number" && !(pace > 0))
    fail(`--pace ${values.pace}: expected fast, original or a positive number`);
  const server = await startReplayServer({ files: replayFiles, pace });
  streamUrl = `${server.url}/v2/stream`;
  streams = values.streams ?? server.streams.join(",");
  closeReplay = () => server.close();
  console.log(`wikistream: replaying ${replayFiles.length} recording(s) at ${streamUrl}/${streams}`);
} else {
  try {
    const probe = await fetch(`${liveUrl}/recentchange`, { signal: AbortSignal.timeout(5000) });
    await probe.body?.cancel();
  } catch {
    fail(
      `cannot reach ${liveUrl} (no internet?). Run from a recording instead: npm start -- --replay ${example}`,
    );
  }
}

// A recording's ids and events must not mix with the live stream's: a replay gets topics, a consumer
// group and indices of its own, so `npm start` live afterwards resumes from live ids only.
const names =
  replayFiles.length > 0
    ? { topics: "wikistream.replay.", index: "wikistream-replay" }
    : { topics: "wikistream.", index: "wikistream" };
const streamTopics = streams
  .split(",")
  .map((name) => resolveStream(name) ?? fail(`--streams: unknown stream ${name}`))
  .map((stream) => `${names.topics}${stream}`);
// One local node cannot hold replicas; production keeps the indexer's default of 1.
const env = {
  INDEXER_INDEX_REPLICAS: "0",
  INGEST_TOPIC_PREFIX: names.topics,
  INGEST_DLQ_TOPIC: `${names.topics}ingest.dlq`,
  INDEXER_TOPIC_PREFIX: names.topics,
  INDEXER_TOPICS: streamTopics.join(","),
  INDEXER_DLQ_TOPIC: `${names.topics}indexer.dlq`,
  INDEXER_GROUP_ID: `${names.index}-indexer`,
  INDEXER_INDEX_PREFIX: names.index,
  // Recordings reach back years: a replay indexes them whatever their age (the live default bounds
  // the indices to about five years of meta.dt, and would dead-letter them as out of range).
  ...(replayFiles.length > 0 ? { INDEXER_EVENT_MAX_AGE_DAYS: "36600" } : {}),
  ...process.env,
  INGEST_STREAM_URL: streamUrl,
  INGEST_STREAMS: streams,
  INGEST_LOG_LEVEL: "warn",
  INDEXER_LOG_LEVEL: "warn",
};
// As the apps' own `npm start` runs them: their V8 flags, and the compile cache (scripts/compile-cache.ts).
const nodeFlags = { ingest: ingestFlags, indexer: indexerFlags };
const children: ChildProcess[] = (["ingest", "indexer"] as const).map((app) =>
  spawn(process.execPath, [...nodeFlags[app], "src/main.ts"], {
    cwd: resolve(root, "apps", app),
    env: { ...compileCacheEnv(), ...env },
    stdio: ["ignore", "inherit", "inherit"],
  }),
);
for (const child of children) {
  child.on("exit", (code) => {
    if (!stopping) fail(`${child.spawnargs.join(" ")} exited with code ${code}; see its log lines above`);
  });
}

async function json(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await (await fetch(url)).json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const ingestUrl = `http://127.0.0.1:${process.env.INGEST_HTTP_PORT ?? 8081}`;
const indexerUrl = `http://127.0.0.1:${process.env.INDEXER_HTTP_PORT ?? 8082}`;
// The first node of OPENSEARCH_URL (one, or several comma-separated), for the curl hint.
const opensearch = (process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200").split(",")[0]?.trim();
let hinted = false;
const progress = setInterval(async () => {
  const ingest = await json(`${ingestUrl}/status`);
  const indexer = await json(`${indexerUrl}/status`);
  const counts = (ingest?.counts ?? {}) as Record<string, number>;
  const indexed = (indexer?.counts ?? {}) as Record<string, number>;
  console.log(
    `read ${counts.received ?? "-"} · published ${counts.published ?? "-"} · dead-lettered ${counts.deadLettered ?? "-"}` +
      ` · indexed ${indexed.indexed ?? "-"} · lag ${indexer?.lag ?? "-"}`,
  );
  if (!hinted && (indexed.indexed ?? 0) > 0) {
    hinted = true;
    console.log(
      `wikistream: documents are searchable, e.g.\n  curl -s '${opensearch}/${names.index}-all/_search?q=bot:false&size=3&pretty'\n` +
        `  metrics: ${ingestUrl}/metrics ${indexerUrl}/metrics · Ctrl-C stops the apps (the stack keeps running: npm run stack:down)`,
    );
  }
}, 2000);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(progress);
  console.log("wikistream: stopping ingest and indexer (they drain first)");
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    }),
  );
  await closeReplay?.();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
