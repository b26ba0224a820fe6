import { backoffDelay } from "@wikistream/resilience";
import type { CodedError, Deliverable, ItemRetry, RetryPolicy, SendOutcome } from "./types.ts";

/** One thing to do about a batch after its send was answered; the sender does them in order. */
export type DeliveryStep<T> =
  | { readonly kind: "index"; readonly items: readonly T[] }
  | {
      readonly kind: "dead_letter";
      readonly item: T;
      readonly reason: string;
      readonly detail: string;
      readonly status: number;
    }
  | {
      readonly kind: "retry_later";
      readonly items: readonly T[];
      readonly reason: string;
      readonly delayMs: number;
      /** Whether this failure counts toward the items' attempts (item failures do, outages do not). */
      readonly countsAsAttempt: boolean;
    }
  | { readonly kind: "split"; readonly batches: readonly [T[], T[]] }
  /** Send nothing at all for `delayMs`: the whole request failed. */
  | { readonly kind: "back_off"; readonly delayMs: number; readonly error: CodedError };

export interface DeliveryPlan<T> {
  readonly steps: readonly DeliveryStep<T>[];
  /** The whole-request backoff: reset once the sink answers per item, advanced after a failed request. */
  readonly requestBackoff: "reset" | "advance" | "keep";
  /** A whole-request error, counted by its code. */
  readonly error?: CodedError;
}

export interface PlanContext {
  readonly policy: RetryPolicy;
  /** Whole requests failed in a row before this one (the request backoff's attempt). */
  readonly requestAttempt: number;
  /** Source of jitter in [0, 1); Math.random unless a test fixes it. */
  readonly random?: () => number;
}

/**
 * What to do with a batch given the sink's answer. Pure (given `random`): it reads the items'
 * `attempts` but changes nothing. Item failures are resent alone after a backoff that grows with the
 * item's attempts, or dead-lettered once a `bounded` failure reached maxItemAttempts; a failed request
 * backs off everything and resends the batch; a refused request is split until the refused item is
 * alone, and then dead-lettered.
 */
export function planDelivery<T extends Deliverable>(
  outcome: SendOutcome,
  batch: readonly T[],
  context: PlanContext,
): DeliveryPlan<T> {
  const backoff = { ...context.policy, ...(context.random ? { random: context.random } : {}) };
  switch (outcome.kind) {
    case "ok":
      return { steps: [{ kind: "index", items: batch }], requestBackoff: "reset" };
    case "partial_failure":
      return { steps: partialFailureSteps(outcome, batch, context.policy, backoff), requestBackoff: "reset" };
    case "request_failed": {
      const delayMs = backoffDelay(context.requestAttempt, backoff);
      const reason = outcome.error.code;
      return {
        steps: [
          { kind: "back_off", delayMs, error: outcome.error },
          { kind: "retry_later", items: batch, reason, delayMs, countsAsAttempt: false },
        ],
        requestBackoff: "advance",
        error: outcome.error,
      };
    }
    case "request_refused": {
      const steps: DeliveryStep<T>[] =
        batch.length === 1
          ? [
              {
                kind: "dead_letter",
                item: batch[0]!,
                reason: "request_rejected",
                detail: outcome.reason,
                status: outcome.status,
              },
            ]
          : [{ kind: "split", batches: halves(batch) }];
      return { steps, requestBackoff: "keep", error: outcome.error };
    }
  }
}

function halves<T>(batch: readonly T[]): [T[], T[]] {
  const half = Math.ceil(batch.length / 2);
  return [batch.slice(0, half), batch.slice(half)];
}

function partialFailureSteps<T extends Deliverable>(
  outcome: Extract<SendOutcome, { kind: "partial_failure" }>,
  batch: readonly T[],
  policy: RetryPolicy,
  backoff: Parameters<typeof backoffDelay>[1],
): DeliveryStep<T>[] {
  const steps: DeliveryStep<T>[] = [];
  const failed = new Set<number>();
  for (const { position, reason, detail, status } of outcome.rejections) {
    failed.add(position);
    steps.push({ kind: "dead_letter", item: batch[position]!, reason, detail, status });
  }
  for (const { position } of outcome.retries) failed.add(position);
  steps.push({ kind: "index", items: batch.filter((_, position) => !failed.has(position)) });
  steps.push(...retrySteps(outcome.retries, batch, policy, backoff));
  return steps;
}

/** Poison after maxItemAttempts; the rest grouped by cause, all resent after the longest item delay. */
function retrySteps<T extends Deliverable>(
  retries: readonly ItemRetry[],
  batch: readonly T[],
  policy: RetryPolicy,
  backoff: Parameters<typeof backoffDelay>[1],
): DeliveryStep<T>[] {
  const exhausted: DeliveryStep<T>[] = [];
  const groups = new Map<string, T[]>();
  let delayMs = 0;
  for (const retry of retries) {
    const item = batch[retry.position]!;
    const attempts = item.attempts + 1;
    if (retry.bounded && attempts >= policy.maxItemAttempts) {
      const detail = `${attempts} attempts; last: ${retry.status} ${retry.detail}`;
      exhausted.push({
        kind: "dead_letter",
        item,
        reason: "retries_exhausted",
        detail,
        status: retry.status,
      });
      continue;
    }
    const group = groups.get(retry.cause);
    if (group) group.push(item);
    else groups.set(retry.cause, [item]);
    delayMs = Math.max(delayMs, backoffDelay(attempts - 1, backoff));
  }
  const later = [...groups].map(
    ([reason, items]): DeliveryStep<T> => ({
      kind: "retry_later",
      items,
      reason,
      delayMs,
      countsAsAttempt: true,
    }),
  );
  return [...exhausted, ...later];
}
