import type { RecordedEvent, ReplayServerOptions } from "@wikistream/replay";
import { startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, expect } from "vitest";
import {
  ingestReading,
  metaIdOf,
  publishedIds,
  realEvents,
  type TestTopics,
  topicRegistry,
} from "./harness.ts";

/** The real recordings a test file replays, and the topics it creates (deleted after the file). */
export interface RecordingSuite {
  readonly topics: ReturnType<typeof topicRegistry>;
  /** The events of the recordings, canaries left out (loaded before the first test). */
  readonly events: RecordedEvent[];
  /** Their distinct meta.ids: what the stream topics must hold after a whole replay. */
  readonly expected: Set<string>;
}

/**
 * Registers the file's beforeAll (load the recordings, all unless `files` names some) and afterAll
 * (`beforeCleanup`, then delete every topic handed out); call it at the top level of a test file.
 */
export function recordingSuite(
  options: {
    files?: readonly string[];
    prepare?: (events: RecordedEvent[]) => RecordedEvent[];
    beforeCleanup?: () => Promise<unknown>;
  } = {},
): RecordingSuite {
  const suite = { topics: topicRegistry(), events: [] as RecordedEvent[], expected: new Set<string>() };
  beforeAll(async () => {
    const events = await realEvents(options.files);
    suite.events = options.prepare ? options.prepare(events) : events;
    suite.expected = new Set(suite.events.map(metaIdOf));
  });
  afterAll(async () => {
    await options.beforeCleanup?.();
    await suite.topics.cleanup();
  });
  return suite;
}

export interface ReplayRunOptions {
  /** Variables over testConfig's. */
  env?: Record<string, string>;
  /** What the server replays instead of the suite's events (the suite's meta.ids are still expected). */
  events?: RecordedEvent[];
  fetch?: typeof fetch;
  /** Topics to use instead of new ones (created beforehand with settings of the test's own). */
  names?: TestTopics;
  /** Called every 20 ms while ingest runs (e.g. to sample the heap). */
  during?: () => void;
  publishTimeoutMs?: number;
  /** Also wait until nothing is buffered (the dead letters acknowledged) before stopping. */
  drained?: boolean;
}

/**
 * Replays the suite's recordings through one fault (`replayOptions`) into an in-process ingest until
 * it published every event, then reads the stream topics back: every distinct meta.id must be there,
 * and nothing else.
 */
export async function replayThroughIngest(
  suite: RecordingSuite,
  replayOptions: ReplayServerOptions,
  options: ReplayRunOptions = {},
) {
  // keepaliveMs below any stall timeout used here: the quiet end of the recording is not a stall.
  const replay = await startReplayServer({
    events: options.events ?? suite.events,
    keepaliveMs: 100,
    ...replayOptions,
  });
  const names = options.names ?? suite.topics.next();
  const { ingest, metrics, logs } = ingestReading(replay, names, options.env, { fetch: options.fetch });
  const sampler = options.during ? setInterval(options.during, 20) : undefined;
  try {
    await ingest.start();
    const all = suite.expected.size;
    const timeoutMs = options.publishTimeoutMs ?? 30_000;
    await waitFor("every event published", () => ingest.status().counts.published >= all, timeoutMs);
    if (options.drained)
      await waitFor("dead letters acknowledged", () => ingest.status().bufferDepth === 0, 10_000);
  } finally {
    clearInterval(sampler);
    await ingest.stop();
    await replay.close();
  }
  const ids = await publishedIds(names);
  expect(new Set(ids)).toEqual(suite.expected);
  return { replay, ingest, metrics, logs, names, ids };
}
