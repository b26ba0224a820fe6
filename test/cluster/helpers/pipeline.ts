import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunNames } from "@wikistream/testkit";
import { type Spawned, stopProcess } from "../../monitoring/processes.ts";
import { cluster } from "./cluster.ts";

const apps = fileURLToPath(new URL("../../../apps/", import.meta.url));

/**
 * `node src/main.ts` of one app; its whole output goes to `<state dir>/test-logs/<run>-<app>.log`
 * (a fault test's story is in the middle of the log, not its tail), and the last 20 kB stay in memory.
 */
function startApp(app: "ingest" | "indexer", runId: string, env: Record<string, string>): Spawned {
  const dir = join(cluster.stateDir, "test-logs");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${runId}-${app}.log`);
  const log = createWriteStream(file);
  const child = spawn("node", ["src/main.ts"], {
    cwd: `${apps}${app}`,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("error", (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));
  child.on("exit", () => log.end());
  return { name: app, child, output: () => `--- ${app} output (all of it: ${file}) ---\n${tail}` };
}

export interface Pipeline {
  ingest: Spawned;
  indexer: Spawned;
  /** The topics the run writes: the two stream topics and the two dead-letter topics. */
  streamTopics: string[];
  dlqTopics: string[];
}

/**
 * Ingest and indexer as the real processes (`node src/main.ts`), given every broker and every
 * OpenSearch node (OPENSEARCH_URL as a comma-separated list): a node the fault kills is one the
 * indexer's client is sending to, so it has to mark it dead and go on with the others.
 */
export function startPipeline(
  names: RunNames,
  streamUrl: string,
  opensearchNodes: readonly string[],
): Pipeline {
  const streamTopics = [names.topics.recentchange, names.topics.pageChange];
  const dlqTopics = [`${names.topicPrefix}ingest.dlq`, `${names.topicPrefix}indexer.dlq`];
  const common = { KAFKA_BROKERS: cluster.brokers.join(","), OPENSEARCH_URL: opensearchNodes.join(",") };
  const ingest = startApp("ingest", names.id, {
    ...common,
    INGEST_STREAM_URL: streamUrl,
    INGEST_STREAMS: "recentchange,page_change",
    INGEST_TOPIC_PREFIX: names.topicPrefix,
    INGEST_DLQ_TOPIC: dlqTopics[0] ?? "",
    INGEST_HTTP_PORT: "0",
  });
  const indexer = startApp("indexer", names.id, {
    ...common,
    INDEXER_TOPICS: streamTopics.join(","),
    INDEXER_TOPIC_PREFIX: names.topicPrefix,
    INDEXER_GROUP_ID: names.groupId,
    INDEXER_DLQ_TOPIC: dlqTopics[1] ?? "",
    INDEXER_INDEX_PREFIX: names.indexPrefix,
    INDEXER_INDEX_REPLICAS: "1",
    // The recordings go back to 2020; the default window (5 years) would dead-letter some of them.
    INDEXER_EVENT_MAX_AGE_DAYS: "36600",
    INDEXER_HTTP_PORT: "0",
  });
  return { ingest, indexer, streamTopics, dlqTopics };
}

export const running = (spawned: Spawned): boolean =>
  spawned.child.exitCode === null && spawned.child.signalCode === null;

/** SIGTERM both (indexer last, so it can drain what ingest flushed); their exit codes. */
export async function stopPipeline(pipeline: Pipeline): Promise<(number | string | null)[]> {
  await stopProcess(pipeline.ingest, 30_000);
  await stopProcess(pipeline.indexer, 45_000);
  return [pipeline.ingest, pipeline.indexer].map(({ child }) => child.exitCode ?? child.signalCode);
}
