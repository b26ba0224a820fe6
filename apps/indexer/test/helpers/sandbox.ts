import type { Client } from "@opensearch-project/opensearch";
import { waitFor } from "@wikistream/testkit";
import type { Kafka } from "kafkajs";
import { cleanup } from "./cleanup.ts";
import { testKafka, testOpenSearch } from "./clients.ts";
import { compareIds, documentCounts, documentTotal } from "./documents.ts";
import { type RunningIndexer, type StartOptions, startIndexer } from "./in-process-indexer.ts";
import { testConfig, testEnv } from "./indexer-env.ts";
import { type TestNames, uniqueNames } from "./names.ts";
import { type IndexerProcess, spawnIndexer } from "./process.ts";
import { connectedProducer, produceEvents } from "./produce.ts";
import type { RealEvent } from "./recordings.ts";
import { createTestTopics, fullyCommitted, readTopic } from "./topics.ts";

/**
 * One test file's corner of the shared local stack: uniquely named topics, consumer group and indices,
 * the clients to reach them, and the indexers started against them. `tearDown()` stops those indexers
 * and deletes everything the sandbox created.
 */
export interface Sandbox {
  readonly names: TestNames;
  readonly kafka: Kafka;
  readonly client: Client;
  /** Creates the input topics and the dead-letter topic. */
  createTopics(): Promise<void>;
  /** Produces the events as the ingest app does (page key, contract headers), acks=all. */
  produce(events: readonly RealEvent[]): Promise<void>;
  /** `createTopics()`, then `produce(events)`. */
  setUp(events: readonly RealEvent[]): Promise<void>;
  /** An in-process indexer from its factory, configured for the sandbox plus `env`. */
  startIndexer(options?: StartOptions & { env?: Record<string, string> }): Promise<RunningIndexer>;
  /** `src/main.ts` as its own process, configured for the sandbox plus `env`. */
  spawnIndexer(
    name: string,
    options?: { env?: Record<string, string>; runtime?: "node" | "bun" },
  ): IndexerProcess;
  /** Committed offset == end offset on every partition of the input topics. */
  fullyCommitted(): Promise<boolean>;
  waitUntilCommitted(timeoutMs: number, what?: string): Promise<void>;
  /** Waits until the sandbox's indices hold at least `atLeast` documents (polled every 100 ms). */
  waitForDocuments(what: string, atLeast: number, timeoutMs: number): Promise<void>;
  documentTotal(): Promise<number>;
  /** The index against these events' meta.ids: document count and missing, duplicated, unexpected ids. */
  compareIndex(events: readonly RealEvent[]): Promise<ReturnType<typeof compareIds>>;
  /** The first `expected` records of the dead-letter topic. */
  readDeadLetters(expected: number): ReturnType<typeof readTopic>;
  tearDown(): Promise<void>;
}

export function createSandbox(clientId?: string): Sandbox {
  const names = uniqueNames();
  const kafka = testKafka(clientId);
  const client = testOpenSearch();
  const running = new Set<RunningIndexer>();
  const processes: IndexerProcess[] = [];

  const sandbox: Sandbox = {
    names,
    kafka,
    client,
    createTopics: () => createTestTopics(kafka, names),
    async produce(events) {
      const producer = await connectedProducer(kafka);
      try {
        await produceEvents(producer, names, events);
      } finally {
        await producer.disconnect();
      }
    },
    async setUp(events) {
      await sandbox.createTopics();
      await sandbox.produce(events);
    },
    async startIndexer({ env, ...options } = {}) {
      const started = await startIndexer(testConfig(names, env), options);
      const tracked: RunningIndexer = {
        ...started,
        async stop() {
          running.delete(tracked);
          await started.stop();
        },
      };
      running.add(tracked);
      return tracked;
    },
    spawnIndexer(name, { env, runtime } = {}) {
      const child = spawnIndexer(name, testEnv(names, env), runtime);
      processes.push(child);
      return child;
    },
    fullyCommitted: () => fullyCommitted(kafka, names),
    waitUntilCommitted: (timeoutMs, what = "everything committed") =>
      waitFor(what, () => fullyCommitted(kafka, names), timeoutMs),
    waitForDocuments: (what, atLeast, timeoutMs) =>
      waitFor(what, async () => (await documentTotal(client, names.indexPrefix)) >= atLeast, timeoutMs, 100),
    documentTotal: () => documentTotal(client, names.indexPrefix),
    async compareIndex(events) {
      return compareIds(
        events.map((e) => e.metaId),
        await documentCounts(client, names.indexPrefix),
      );
    },
    readDeadLetters: (expected) => readTopic(kafka, names.dlqTopic, expected),
    async tearDown() {
      try {
        for (const indexer of [...running]) await indexer.stop();
        for (const child of processes) child.kill9();
      } finally {
        try {
          await cleanup(kafka, client, names);
        } finally {
          await client.close();
        }
      }
    },
  };
  return sandbox;
}
