/**
 * The vocabulary of the delivery stage, independent of where items are delivered: a sink (bulk/ for
 * OpenSearch) answers each send with a SendOutcome, plan.ts turns it into steps, sender.ts acts.
 */

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** Attempts for an item whose failure is `bounded` before it is dead-lettered as poison. */
  maxItemAttempts: number;
}

/** What the sender needs of an item: its size for batching, and how often it was sent and failed. */
export interface Deliverable {
  readonly bytes: number;
  attempts: number;
}

/** An error with a bounded code (metric label), e.g. an IndexerError. */
export interface CodedError extends Error {
  readonly code: string;
}

/** One item of a send that the sink refused for good: dead-letter it. */
export interface ItemRejection {
  readonly position: number;
  readonly status: number;
  /** Dead-letter reason, a bounded code (metric label). */
  readonly reason: string;
  readonly detail: string;
}

/** One item of a send that may pass later: resend it alone after a backoff. */
export interface ItemRetry {
  readonly position: number;
  readonly status: number;
  /** Why, a bounded code (metric label): e.g. throttled, server_error. */
  readonly cause: string;
  /** True when repeated failures say something about the item itself: limited by maxItemAttempts. */
  readonly bounded: boolean;
  readonly detail: string;
}

/**
 * The closed set of answers to one send of a batch.
 * - ok: every item delivered.
 * - partial_failure: the items at `rejections` and `retries` failed; every other item is delivered.
 * - request_failed: nothing is known to be delivered, and resending later may pass (overload, outage).
 * - request_refused: the request as a whole is refused; resending it unchanged cannot help.
 */
export type SendOutcome =
  | { readonly kind: "ok" }
  | {
      readonly kind: "partial_failure";
      readonly rejections: readonly ItemRejection[];
      readonly retries: readonly ItemRetry[];
    }
  | { readonly kind: "request_failed"; readonly error: CodedError }
  | {
      readonly kind: "request_refused";
      readonly error: CodedError;
      readonly status: number;
      readonly reason: string;
    };

/** Sends one batch; never throws for a failed delivery (that is an outcome). */
export type SendBatch<T> = (batch: readonly T[]) => Promise<SendOutcome>;

/** Bytes of the items together (what batching and the held-bytes budget count). */
export function bytesOf(items: readonly Deliverable[]): number {
  let bytes = 0;
  for (const item of items) bytes += item.bytes;
  return bytes;
}
