import { randomBytes, randomUUID } from "node:crypto";
import type { ReplayServerOptions } from "@wikistream/replay";
import { describe, expect, it } from "vitest";
import { counterValue, deadLetters, kafka, type LogLine } from "./harness.ts";
import { createTopic } from "./kafka-helpers.ts";
import { type ReplayRunOptions, recordingSuite, replayThroughIngest } from "./suite.ts";

// Issue 10, items 6 and 9: what a hostile or broken server sends must neither grow ingest's memory
// nor slip into Kafka silently, and the stream goes on after it.
const suite = recordingSuite();

type Letter = { reason: string; detail: string; raw: string; sseId: string | undefined };

/** A whole replay through one fault (a loaded machine needs more time), and the dead letters it left. */
async function run(
  replayOptions: ReplayServerOptions,
  env: Record<string, string> = {},
  options: Pick<ReplayRunOptions, "names" | "during"> = {},
) {
  const outcome = await replayThroughIngest(suite, replayOptions, {
    ...options,
    env,
    publishTimeoutMs: 45_000,
    drained: true,
  });
  return { ...outcome, letters: await deadLetters<Letter>(outcome.names) };
}

const reconnectDelays = (logs: readonly LogLine[]) =>
  logs
    .filter((l) => l.msg === "stream disconnected, reconnecting")
    .map((l) => l as LogLine & { delayMs: number; serverAskedMs?: number });

describe("a bounded SSE reader, against real Kafka and the replay server", () => {
  it("an endless data line (200 MB) no longer grows the heap until the process dies: dead-lettered as event_too_large, reading goes on past it", async () => {
    const dataBytes = 200 * 1024 * 1024;
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const { letters, metrics, replay } = await run(
      { faults: [{ kind: "oversized", afterEvents: 25, bytes: dataBytes }] },
      {},
      { during: () => (peak = Math.max(peak, process.memoryUsage().heapUsed)) },
    );
    expect(replay.stats.injected[0]).toMatchObject({ dataBytes });
    // Before the fix the parser held the whole line: 200 MB of heap, and more while it grew.
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
    expect(letters).toHaveLength(1);
    const [letter] = letters as [Letter];
    expect(letter.reason).toBe("event_too_large");
    const size = Number(
      /^frame of (\d+) bytes exceeds INGEST_MAX_EVENT_BYTES=1048576;/.exec(letter.detail)?.[1],
    );
    expect(size).toBeGreaterThan(dataBytes);
    expect(letter.raw).toBe("x".repeat(letter.raw.length));
    expect(letter.raw.length).toBeGreaterThan(16_000);
    // Its SSE id is acknowledged with it, so a restart resumes past the frame instead of dying on it again.
    expect(letter.sseId).toBeDefined();
    expect(await counterValue(metrics.deadLettered, { reason: "event_too_large" })).toBe(1);
  }, 120_000);

  it("invalid UTF-8 in a frame is dead-lettered as invalid_utf8, not published with U+FFFD in its place", async () => {
    const original = suite.events[3]!;
    const id = randomUUID();
    const json = JSON.stringify({
      ...original.event,
      meta: { ...original.event.meta, id },
      title: "Bad\uFFFD",
    });
    // U+FFFD is EF BF BD in UTF-8: put one invalid byte (FF) where it was.
    const encoded = Buffer.from(json, "utf8");
    const at = encoded.indexOf(Buffer.from([0xef, 0xbf, 0xbd]));
    const data = Buffer.concat([encoded.subarray(0, at), Buffer.from([0xff]), encoded.subarray(at + 3)]);
    const bytes = Buffer.concat([Buffer.from("event: message\ndata: "), data, Buffer.from("\n\n")]);
    const { letters, metrics } = await run({ faults: [{ kind: "garbage", afterEvents: 12, bytes }] });
    expect(letters.map((l) => l.reason)).toEqual(["invalid_utf8", "schema_violation"]);
    expect(letters[0]?.raw).toContain(`"id":"${id}"`);
    expect(letters[0]?.raw).toContain("Bad\uFFFD");
    expect(await counterValue(metrics.deadLettered, { reason: "invalid_utf8" })).toBe(1);
  }, 60_000);

  it("a huge retry: field no longer overflows the reconnect timer into a 1 ms loop: clamped to INGEST_SERVER_DELAY_MAX_MS", async () => {
    const { logs, replay } = await run(
      {
        faults: [{ kind: "garbage", afterEvents: 5, bytes: "retry: 99999999999999\n\n" }],
        closeAfterEvents: 60,
      },
      { INGEST_SERVER_DELAY_MAX_MS: "300" },
    );
    const delays = reconnectDelays(logs);
    expect(replay.stats.connections.length).toBeGreaterThanOrEqual(2);
    expect(delays.length).toBeGreaterThanOrEqual(1);
    for (const line of delays) {
      expect(line.delayMs).toBeGreaterThanOrEqual(300);
      expect(line.delayMs).toBeLessThanOrEqual(500);
      expect(line.serverAskedMs).toBe(99999999999999);
    }
  }, 60_000);

  it("a huge Retry-After is clamped to INGEST_SERVER_DELAY_MAX_MS", async () => {
    const { logs } = await run(
      { faults: [{ kind: "status", status: 503, retryAfterSeconds: 10 ** 12 }] },
      { INGEST_SERVER_DELAY_MAX_MS: "300" },
    );
    const [first] = reconnectDelays(logs);
    expect(first).toMatchObject({ delayMs: 300, serverAskedMs: 10 ** 15 });
  }, 60_000);

  it("an oversized invalid frame whose dead letter Kafka refuses is dead-lettered cut short, as the metric claims, not dropped", async () => {
    const names = suite.topics.next();
    await createTopic(kafka, names.dlqTopic, 1, { "max.message.bytes": "30000" });
    // Random text: gzip cannot shrink it below the topic's limit.
    const payload = `{${randomBytes(75_000).toString("base64")}`;
    const { letters, metrics } = await run(
      { faults: [{ kind: "garbage", afterEvents: 8, bytes: `event: message\ndata: ${payload}\n\n` }] },
      {},
      { names },
    );
    expect(letters.map((l) => l.reason)).toEqual(["invalid_json", "schema_violation"]);
    expect(letters[0]?.raw).toBe(payload.slice(0, 16_384));
    expect(letters[0]?.detail).toContain(
      `MESSAGE_TOO_LARGE: raw of ${payload.length} characters cut to its first 16384`,
    );
    expect(await counterValue(metrics.deadLettered, { reason: "invalid_json" })).toBe(1);
  }, 60_000);
});
