import { randomUUID } from "node:crypto";
import { recordHeaders } from "@wikistream/events";
import { GARBAGE_NOT_JSON, GARBAGE_SCHEMA_VIOLATION, type RecordedEvent } from "@wikistream/replay";
import { describe, expect, it } from "vitest";
import { counterValue, duplicateCount, metaIdOf, readBack } from "./harness.ts";
import { recordingSuite, replayThroughIngest } from "./suite.ts";

// Each test replays every real recording through one fault and then reads the stream topics back:
// every distinct non-canary meta.id must be there, and nothing else.
const suite = recordingSuite();

describe("ingest through upstream faults, against real Kafka", () => {
  it("a connection dropped mid-frame resumes after the last whole event: nothing lost, nothing twice", async () => {
    const { replay, metrics, ids } = await replayThroughIngest(suite, {
      faults: [{ kind: "dropMidFrame", afterEvents: 40 }],
    });
    expect(replay.stats.injected[0]?.bytesSent).toBeGreaterThan(0);
    expect(replay.stats.connections[1]?.lastEventId).toBeDefined();
    expect(duplicateCount(ids)).toBe(0);
    const drops =
      (await counterValue(metrics.reconnects, { reason: "network" })) +
      (await counterValue(metrics.reconnects, { reason: "closed" }));
    expect(drops).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("frames, CRLF line ends and UTF-8 characters split across tiny chunks, then dropped mid-frame", async () => {
    const { replay, ids } = await replayThroughIngest(suite, {
      chunking: { minBytes: 1, maxBytes: 7, seed: 42 },
      lineEnding: "\r\n",
      // Page-change events (Persian text among them) come after the 2022-12 recentchange ones.
      faults: [{ kind: "dropMidFrame", afterEvents: 150 }],
    });
    expect(replay.stats.injected[0]?.bytesSent).toBeGreaterThan(0);
    expect(duplicateCount(ids)).toBe(0);
  }, 60_000);

  it("garbage frames go to the dead-letter topic exactly once each, with reason, raw payload and SSE id", async () => {
    const { replay, ingest, metrics, names } = await replayThroughIngest(suite, {
      faults: [{ kind: "garbage", afterEvents: 10 }],
    });
    const injected = replay.stats.injected[0]?.payloads;
    expect(injected).toEqual([GARBAGE_NOT_JSON, GARBAGE_SCHEMA_VIOLATION]);
    const dead = await readBack([names.dlqTopic]);
    const letters = dead.map((r) => ({ headers: r.headers, value: JSON.parse(r.value) }));
    expect(letters.map((l) => l.value.raw)).toEqual(injected);
    expect(letters.map((l) => l.value.reason)).toEqual(["invalid_json", "schema_violation"]);
    for (const letter of letters) {
      // The SSE id of the garbage frame: the position after the 10th event.
      expect(JSON.parse(letter.value.sseId)).toEqual(
        expect.arrayContaining([expect.objectContaining({ topic: "eqiad.mediawiki.recentchange" })]),
      );
      expect(letter.headers[recordHeaders.sseId]).toBe(letter.value.sseId);
      expect(letter.headers[recordHeaders.frameId]).toMatch(/^[0-9a-f]{64}$/);
      expect(letter.value.detail).toEqual(expect.any(String));
    }
    expect(ingest.status().counts.deadLettered).toBe(2);
    expect(await counterValue(metrics.deadLettered, { reason: "invalid_json" })).toBe(1);
    expect(await counterValue(metrics.deadLettered, { reason: "schema_violation" })).toBe(1);
  }, 60_000);

  it("a 429 is retried no sooner than its Retry-After, and counted as http_429", async () => {
    const requests: number[] = [];
    const spy: typeof fetch = (input, init) => {
      requests.push(performance.now());
      return fetch(input, init);
    };
    const { metrics } = await replayThroughIngest(
      suite,
      { faults: [{ kind: "status", status: 429, retryAfterSeconds: 1 }] },
      { fetch: spy },
    );
    expect(requests[1]! - requests[0]!).toBeGreaterThanOrEqual(990);
    expect(await counterValue(metrics.reconnects, { reason: "http_429" })).toBe(1);
  }, 60_000);

  it("503s are retried with backoff and counted as http_5xx", async () => {
    const { replay, metrics } = await replayThroughIngest(suite, {
      faults: [
        { kind: "status", status: 503 },
        { kind: "status", status: 503 },
      ],
    });
    expect(replay.stats.connections.slice(0, 2).map((c) => c.status)).toEqual([503, 503]);
    expect(await counterValue(metrics.reconnects, { reason: "http_5xx" })).toBe(2);
  }, 60_000);

  it("a stalled connection (no bytes, no comments) is dropped after the stall timeout and resumed", async () => {
    const started = performance.now();
    const { replay, metrics, ids } = await replayThroughIngest(
      suite,
      { faults: [{ kind: "stall", afterEvents: 30 }] },
      { env: { INGEST_STALL_TIMEOUT_MS: "500" } },
    );
    // At least the injected stall (a loaded machine may add one at the quiet end of the recording).
    expect(await counterValue(metrics.reconnects, { reason: "stalled" })).toBeGreaterThanOrEqual(1);
    expect(replay.stats.connections[0]).toMatchObject({ endReason: "fault", eventsSent: 30 });
    expect(replay.stats.connections[1]?.lastEventId).toBeDefined();
    expect(duplicateCount(ids)).toBe(0);
    expect(performance.now() - started).toBeGreaterThan(500);
  }, 60_000);

  it("canary events are dropped and counted, never published", async () => {
    // Copies of real events that differ only in meta.domain and meta.id, as EventStreams' canaries do.
    const canaries = suite.events
      .filter((_, i) => i % 40 === 5)
      .map((original): RecordedEvent => {
        const event = {
          ...original.event,
          meta: { ...original.event.meta, domain: "canary", id: randomUUID() },
        };
        return { ...original, event, data: JSON.stringify(event) };
      });
    const mixed = suite.events.flatMap((e, i) => (i % 40 === 5 ? [e, canaries[Math.floor(i / 40)]!] : [e]));
    const { ingest, metrics, ids } = await replayThroughIngest(suite, {}, { events: mixed });
    expect(canaries.length).toBeGreaterThan(3);
    const published = new Set(ids);
    for (const canary of canaries) expect(published.has(metaIdOf(canary))).toBe(false);
    expect(ingest.status().counts.canaries).toBe(canaries.length);
    expect(await counterValue(metrics.eventsDropped, { reason: "canary" })).toBe(canaries.length);
  }, 60_000);
});
