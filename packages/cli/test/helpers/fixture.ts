import { afterAll, beforeAll } from "vitest";
import { IndexerProcess } from "./indexer-process.ts";
import {
  type CliNames,
  cleanUp,
  cliNames,
  createTopics,
  fullyCommitted,
  produce,
  type RealEvent,
  testKafka,
  testOpenSearch,
} from "./services.ts";

/** What one test file works on: its own topics and indices, and the real indexer when asked for. */
export interface CliFixture {
  readonly names: CliNames;
  readonly kafka: ReturnType<typeof testKafka>;
  readonly client: ReturnType<typeof testOpenSearch>;
  /** The running indexer (only with `indexer: true`, after beforeAll). */
  readonly indexer: IndexerProcess;
}

/**
 * Registers the file's beforeAll (topics created, `events` produced as ingest writes them, and with
 * `indexer` the real indexer started until it committed every record) and afterAll (indexer stopped,
 * topics and indices deleted); call it at the top level of a test file.
 */
export function cliFixture(events: readonly RealEvent[], options: { indexer?: boolean } = {}): CliFixture {
  const names = cliNames();
  const kafka = testKafka();
  const client = testOpenSearch();
  let indexer: IndexerProcess | undefined;
  beforeAll(async () => {
    await createTopics(kafka, names);
    await produce(kafka, names, events);
    if (!options.indexer) return;
    indexer = new IndexerProcess(names);
    await indexer.until("the indexer to commit every record", () => fullyCommitted(kafka, names), 60_000);
  }, 90_000);
  afterAll(async () => {
    await indexer?.stop();
    await cleanUp(kafka, client, names);
  }, 60_000);
  return {
    names,
    kafka,
    client,
    get indexer() {
      if (!indexer) throw new Error("no indexer: cliFixture was called without { indexer: true }");
      return indexer;
    },
  };
}
