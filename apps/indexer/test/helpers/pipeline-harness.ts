import { recordHeaders } from "@wikistream/events";
import { silentLogger } from "@wikistream/log";
import type { BulkClient } from "../../src/bulk/bulk-client.ts";
import type { BulkAnswer } from "../../src/bulk/classify.ts";
import type { RecordDeadLetter } from "../../src/dlq/letter.ts";
import type { DeadLetterPublisher } from "../../src/dlq/publisher.ts";
import { createIndexerMetrics } from "../../src/metrics.ts";
import { Pipeline, type PipelineOptions } from "../../src/pipeline.ts";
import { defaultTransforms } from "../../src/prepare/transform.ts";
import type { ConsumedRecord } from "../../src/record.ts";
import { loadRealEvents, type RealEvent } from "./recordings.ts";

// The pipeline's unit tests (src/pipeline*.test.ts) drive it with these fakes: the bulk client and the
// dead-letter producer inject the faults. The real ones are exercised against OpenSearch and Kafka in test/.

export const encoder = new TextEncoder();
export const real = loadRealEvents().filter((e) => e.stream === "mediawiki.recentchange");
export const TOPIC = "wikistream.mediawiki.recentchange";

export function records(events: readonly RealEvent[], partition = 0, first = 0): ConsumedRecord[] {
  return events.map((event, i) => ({
    topic: TOPIC,
    partition,
    offset: String(first + i),
    key: null,
    value: encoder.encode(event.data),
    headers: { [recordHeaders.stream]: event.stream, [recordHeaders.metaId]: event.metaId },
    timestamp: "0",
  }));
}

export type Op = { id: string; index: string };
export function parse(body: string | Uint8Array): Op[] {
  const lines = (typeof body === "string" ? body : new TextDecoder().decode(body)).trimEnd().split("\n");
  const ops: Op[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const action = JSON.parse(lines[i]!).index as { _id: string; _index: string };
    ops.push({ id: action._id, index: action._index });
  }
  return ops;
}
// The error type OpenSearch sends with each item status in these tests.
const itemErrorType: Record<number, string> = {
  400: "mapper_parsing_exception",
  429: "es_rejected_execution_exception",
  503: "unavailable_shards_exception",
};
export const itemsAnswer = (statuses: number[]): BulkAnswer => ({
  kind: "response",
  status: 200,
  body: {
    errors: statuses.some((s) => s >= 300),
    items: statuses.map((status) => ({
      index: {
        status,
        ...(status >= 300
          ? {
              error: {
                type: itemErrorType[status] ?? "exception",
                reason: "r",
              },
            }
          : {}),
      },
    })),
  },
});

export const ok = (ops: Op[]) => itemsAnswer(ops.map(() => 201));

/** Options shared by every pipeline here; each test overrides what it exercises. */
export function pipelineOptions(
  overrides: Partial<PipelineOptions> & Pick<PipelineOptions, "bulk">,
): PipelineOptions {
  return {
    deadLetters: { publish: async () => {} },
    control: { pause: () => {}, resume: () => {} },
    metrics: createIndexerMetrics({ defaultMetrics: false }),
    logger: silentLogger,
    naming: { prefix: "ws", bucket: "month" },
    topicPrefix: "wikistream.",
    transforms: defaultTransforms,
    limits: { maxDocs: 50, maxBytes: 1_000_000, lingerMs: 0 },
    concurrency: 2,
    maxUncommittedPerPartition: 10_000,
    retry: { initialMs: 1, maxMs: 5, maxItemAttempts: 3 },
    // The recordings are from 2022 on: none may age out of the horizon in these tests.
    eventTime: { maxAgeMs: 100 * 365 * 86_400_000, maxFutureMs: 600_000 },
    ...overrides,
  };
}

/** A bulk client that answers 201 to every operation, but only once `release()` is called. */
export function gatedBulk() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const bulk: BulkClient = {
    async send(body) {
      await gate;
      return ok(parse(body));
    },
  };
  return { bulk, release };
}

export function harness(
  answer: (ops: Op[], call: number) => BulkAnswer,
  overrides: Partial<PipelineOptions> = {},
) {
  const indexed = new Map<string, number>();
  const letters: RecordDeadLetter[] = [];
  const paused: string[] = [];
  const events: string[] = [];
  let calls = 0;
  const bulk: BulkClient = {
    async send(body) {
      const ops = parse(body);
      const result = answer(ops, calls++);
      if (result.kind === "response" && result.status === 200) {
        const items = (result.body as { items: { index: { status: number } }[] }).items;
        ops.forEach((op, i) => {
          if (items[i]!.index.status < 300) indexed.set(op.id, (indexed.get(op.id) ?? 0) + 1);
        });
      }
      return result;
    },
  };
  const deadLetters: DeadLetterPublisher = {
    async publish(batch) {
      letters.push(...batch);
    },
  };
  const metrics = createIndexerMetrics({ defaultMetrics: false });
  const pipeline = new Pipeline(
    pipelineOptions({
      bulk,
      deadLetters,
      control: {
        pause: (t, p) => {
          paused.push(`${t}|${p}`);
          events.push("pause");
        },
        resume: (t, p) => {
          paused.splice(paused.indexOf(`${t}|${p}`), 1);
          events.push("resume");
        },
      },
      metrics,
      ...overrides,
    }),
  );
  pipeline.assign({ [TOPIC]: [0, 1] });
  const counter = async (name: string) => {
    const metric = await metrics.registry.getSingleMetric(name)?.get();
    return metric?.values ?? [];
  };
  return { pipeline, indexed, letters, paused, events, metrics, counter, calls: () => calls };
}
