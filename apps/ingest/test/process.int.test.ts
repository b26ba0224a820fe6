import { randomUUID } from "node:crypto";
import { createKafka } from "@wikistream/kafka";
import { silentLogger } from "@wikistream/log";
import { loadRecording, recordingPath, startReplayServer } from "@wikistream/replay";
import { afterAll, describe, expect, it } from "vitest";
import { brokers, deleteTopics, readTopics } from "./kafka-helpers.ts";
import { type RuntimeName, runtimes, spawnIngest } from "./process-helpers.ts";

const kafka = createKafka({ brokers, clientId: "ingest-process-test", logger: silentLogger });
const createdTopics: string[] = [];
afterAll(() => deleteTopics(kafka, createdTopics));

describe.each(Object.keys(runtimes) as RuntimeName[])("ingest main on %s", (runtime) => {
  it("publishes a replayed recording, serves /status and /metrics, and drains on SIGTERM with exit 0", async () => {
    const events = await loadRecording(recordingPath("recentchange-enwiki-2023-07.ndjson"));
    const replay = await startReplayServer({ events });
    const prefix = `test-${runtime}-${randomUUID()}.`;
    const topic = `${prefix}mediawiki.recentchange`;
    createdTopics.push(topic, `${prefix}dlq`);
    const ingest = spawnIngest(runtime, {
      INGEST_STREAM_URL: `${replay.url}/v2/stream`,
      INGEST_TOPIC_PREFIX: prefix,
      INGEST_DLQ_TOPIC: `${prefix}dlq`,
    });
    try {
      await ingest.waitForPublished(events.length, 45_000);
      const base = `http://127.0.0.1:${ingest.port}`;
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain(`wikistream_ingest_events_published_total{topic="${topic}"} 100`);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      const status = (await (await fetch(`${base}/status`)).json()) as Record<string, unknown>;
      expect(status).toMatchObject({ state: "running", streams: ["mediawiki.recentchange"] });
      ingest.child.kill("SIGTERM");
      const [code] = await ingest.exited;
      expect(code).toBe(0);
    } finally {
      if (ingest.child.exitCode === null) ingest.child.kill("SIGKILL");
      await replay.close();
    }
    const records = await readTopics(kafka, [topic], (r) => r.length >= events.length, 10_000);
    expect(new Set(records.map((r) => JSON.parse(r.value).meta.id)).size).toBe(events.length);
  }, 90_000);
});
