import type { SendBatch } from "../delivery/types.ts";
import type { IndexerMetrics } from "../metrics.ts";
import type { BodyBufferPool } from "./body-pool.ts";
import type { BulkClient } from "./bulk-client.ts";
import { type BulkOperation, bulkBodyBytes } from "./bulk-request.ts";
import { type BulkOutcome, classifyBulk } from "./classify.ts";
import { toSendOutcome } from "./outcome.ts";

// The `outcome` label of the bulk duration histogram; "items" (a partial failure) predates the
// outcome's name and stays, since dashboards and recorded benchmarks read it.
const durationLabel = {
  ok: "ok",
  partial: "items",
  retry: "retry",
  reject: "reject",
} as const satisfies Record<BulkOutcome["kind"], string>;

/** One `_bulk` request for a batch of operations, measured, its answer classified for the sender. */
export function createBulkSend<T extends Pick<BulkOperation, "chunks" | "bytes">>(options: {
  bulk: BulkClient;
  metrics: IndexerMetrics;
  /** Reused bodies; without, each bulk allocates its own. */
  bodies?: BodyBufferPool;
}): SendBatch<T> {
  const { bulk, metrics, bodies } = options;
  return async (batch) => {
    const body =
      bodies === undefined ? bulkBodyBytes(batch) : bulkBodyBytes(batch, (size) => bodies.acquire(size));
    metrics.bulkBytes.observe(body.byteLength);
    metrics.bulkDocuments.observe(batch.length);
    const started = performance.now();
    const answer = await bulk.send(body);
    // A 2xx answer means OpenSearch read every byte; after anything else the socket may still hold it.
    if (answer.kind === "response" && answer.status >= 200 && answer.status < 300) bodies?.release(body);
    const outcome = classifyBulk(answer, batch.length);
    metrics.bulkDuration.observe(
      { outcome: durationLabel[outcome.kind] },
      (performance.now() - started) / 1000,
    );
    return toSendOutcome(outcome);
  };
}
