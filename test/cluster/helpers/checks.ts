import { expect } from "vitest";
import type { Outcome } from "./run.ts";

/** What every fault test requires once the stream is indexed (the figures are printed before). */
export function expectExactlyOnce(outcome: Outcome, logs: string): void {
  expect(outcome.bothRunning, logs).toBe(true);
  // Kafka first: a record missing there was lost between ingest's acknowledgement and the topic.
  expect(outcome.kafkaRecords, "records in Kafka: one per event (acks=all, idempotent producer)").toBe(
    outcome.expected,
  );
  expect({
    missing: outcome.missing,
    sample: outcome.missingSample,
    unexpected: outcome.unexpected,
    duplicates: outcome.duplicates,
  }).toEqual({ missing: 0, sample: [], unexpected: 0, duplicates: 0 });
  expect(outcome.deadLetters, "dead letters").toBe(0);
  expect(outcome.timedOut, "every document searchable in time").toBe(false);
  expect(outcome.lagAtStop, "records the indexer had not committed before SIGTERM").toBe(0);
  expect(outcome.exitCodes, `exit codes after SIGTERM\n${logs}`).toEqual([0, 0]);
}
