import type { SendBatch } from "../delivery/types.ts";
import type { IndexerMetrics } from "../metrics.ts";
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
}): SendBatch<T> {
  const { bulk, metrics } = options;
  return async (batch) => {
    const body = bulkBodyBytes(batch);
    metrics.bulkBytes.observe(body.byteLength);
    metrics.bulkDocuments.observe(batch.length);
    const started = performance.now();
    const answer = await bulk.send(body);
    const outcome = classifyBulk(answer, batch.length);
    metrics.bulkDuration.observe(
      { outcome: durationLabel[outcome.kind] },
      (performance.now() - started) / 1000,
    );
    return toSendOutcome(outcome);
  };
}
