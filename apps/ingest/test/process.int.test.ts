import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createKafka } from "@wikistream/kafka";
import { silentLogger } from "@wikistream/log";
import { loadRecording, recordingPath, startReplayServer } from "@wikistream/replay";
import { afterAll, describe, expect, it } from "vitest";
import { brokers, deleteTopics, readTopics, waitFor } from "./kafka-helpers.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const kafka = createKafka({ brokers, clientId: "ingest-process-test", logger: silentLogger });
const createdTopics: string[] = [];
afterAll(() => deleteTopics(kafka, createdTopics));

// The same source runs on both runtimes; only src/runtime/ differs.
const runtimes = {
  node: ["node", ["src/main.ts"]],
  deno: ["deno", ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-sys", "src/main.ts"]],
} as const;

async function getJson(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await (await fetch(url)).json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

describe.each(Object.keys(runtimes) as (keyof typeof runtimes)[])("ingest main on %s", (runtime) => {
  it("publishes a replayed recording, serves /status and /metrics, and drains on SIGTERM with exit 0", async () => {
    const events = await loadRecording(recordingPath("recentchange-enwiki-2023-07.ndjson"));
    const replay = await startReplayServer({ events });
    const prefix = `test-${runtime}-${randomUUID()}.`;
    const topic = `${prefix}mediawiki.recentchange`;
    createdTopics.push(topic, `${prefix}dlq`);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const [command, args] = runtimes[runtime];
    let output = "";
    const child: ChildProcess = spawn(command, args, {
      cwd: appDir,
      env: {
        ...process.env,
        INGEST_STREAM_URL: `${replay.url}/v2/stream`,
        INGEST_TOPIC_PREFIX: prefix,
        INGEST_DLQ_TOPIC: `${prefix}dlq`,
        INGEST_HTTP_PORT: String(port),
        KAFKA_BROKERS: brokers.join(","),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = once(child, "exit");
    try {
      let status: Record<string, unknown> | undefined;
      await waitFor(
        () => {
          void getJson(`http://127.0.0.1:${port}/status`).then((s) => (status = s ?? status));
          return (status?.counts as { published?: number } | undefined)?.published === events.length;
        },
        45_000,
        `ingest on ${runtime} to publish ${events.length} events`,
      ).catch((error) => {
        throw new Error(`${(error as Error).message}\n--- process output ---\n${output.slice(-3000)}`);
      });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain(
        `wikistream_ingest_events_published_total{topic="${topic}",app="ingest"} 100`,
      );
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      child.kill("SIGTERM");
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await replay.close();
    }
    const records = await readTopics(kafka, [topic], (r) => r.length >= events.length, 10_000);
    expect(new Set(records.map((r) => JSON.parse(r.value).meta.id)).size).toBe(events.length);
  }, 90_000);
});
