import type { SecureStack } from "@wikistream/testkit";
import { sampleSum } from "@wikistream/testkit";
import { freePort, waitUntil } from "../monitoring/processes.ts";
import { type LoggedApp, startLoggedApp } from "./apps.ts";
import { clientsOf, indexedDocuments, topicSize } from "./pipeline.ts";

export const endpoints = ["/status", "/metrics", "/healthz", "/readyz"] as const;

/** Both apps as processes, ready; every answer of their endpoints is kept for the secrets check. */
export async function startApps(env: {
  ingest: Record<string, string>;
  indexer: Record<string, string>;
}): Promise<LoggedApp[]> {
  const ingest = startLoggedApp("ingest", await freePort(), env.ingest);
  const indexer = startLoggedApp("indexer", await freePort(), env.indexer);
  const apps = [ingest, indexer];
  for (const app of apps) {
    await waitUntil(async () => (await app.get("/readyz")).status === 200, {
      timeoutMs: 90_000,
      what: `${app.name} ready`,
      processes: apps,
    });
  }
  return apps;
}

/** Documents in the run's indices, counted by OpenSearch (cheap enough to poll). */
export async function documentCount(stack: SecureStack, indexPrefix: string): Promise<number> {
  const { opensearch } = clientsOf(stack);
  try {
    const answer = await opensearch.count({ index: `${indexPrefix}-*`, allow_no_indices: true });
    return Number(answer.body.count);
  } finally {
    await opensearch.close();
  }
}

/** What the exactly-once check reads once the run is indexed. */
export async function runFigures(
  stack: SecureStack,
  apps: readonly LoggedApp[],
  run: { indexPrefix: string; topic: string; dlqTopics: readonly string[]; expected: Set<string> },
) {
  const { opensearch, kafka } = clientsOf(stack);
  try {
    const documents = await indexedDocuments(opensearch, run.indexPrefix);
    const ids = new Set(documents.map((d) => d.id));
    let deadLetters = 0;
    for (const topic of run.dlqTopics) deadLetters += await topicSize(kafka, topic);
    const [ingest, indexer] = [
      (await apps[0]?.get("/metrics"))?.body ?? "",
      (await apps[1]?.get("/metrics"))?.body ?? "",
    ];
    return {
      expected: run.expected.size,
      documents: documents.length,
      missing: [...run.expected].filter((id) => !ids.has(id)).length,
      unexpected: [...ids].filter((id) => !run.expected.has(id)).length,
      rewritten: documents.filter((d) => d.version !== 1).length,
      kafkaRecords: await topicSize(kafka, run.topic),
      deadLetters,
      ingestDeadLettered: sampleSum(ingest, "wikistream_ingest_dead_lettered_total"),
      indexerDeadLettered: sampleSum(indexer, "wikistream_indexer_documents_total", {
        result: "dead_lettered",
      }),
    };
  } finally {
    await opensearch.close();
  }
}

/**
 * The figures every run must show: each expected id once in Kafka and in OpenSearch, nothing else, no
 * dead letter anywhere. `rewritten` (a document written again under its `_id`, version > 1) is reported,
 * not required to be 0: a bulk request that timed out on the loaded machine may have been applied, and
 * its resend rewrites the same documents — idempotent, which is why `_id` is `meta.id`.
 */
export const exactlyOnce = (expected: number) => ({
  documents: expected,
  missing: 0,
  unexpected: 0,
  kafkaRecords: expected,
  deadLetters: 0,
  ingestDeadLettered: 0,
  indexerDeadLettered: 0,
});
