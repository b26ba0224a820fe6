import { recordHeaders as headerNames } from "@wikistream/events";
import { type ProduceErrorKind, produceErrorCode } from "@wikistream/kafka";
import { errorMessage } from "@wikistream/resilience";
import { CompressionTypes, type Message, type ProducerBatch } from "kafkajs";
import type { OutboundRecord } from "../records/record.ts";

/**
 * The resume headers of a batch: the last acknowledged SSE id (every record before this batch is in
 * Kafka), or, before any id was acknowledged, a `since` just before the batch's oldest event.
 */
export function resumeHeadersFor(
  batch: readonly OutboundRecord[],
  lastAckedSseId: string | undefined,
  startSince: string | undefined,
): Record<string, string> {
  return lastAckedSseId
    ? { [headerNames.resumeId]: lastAckedSseId }
    : { [headerNames.resumeSince]: oldestEventTime(batch, startSince) };
}

/** One produce request: the batch grouped by topic, each record with the batch's resume headers. */
export function producerBatch(
  batch: readonly OutboundRecord[],
  resumeHeaders: Record<string, string>,
  acks: -1 | 0 | 1,
): ProducerBatch {
  const byTopic = new Map<string, Message[]>();
  for (const record of batch) {
    const messages = byTopic.get(record.topic) ?? [];
    messages.push({ key: record.key, value: record.value, headers: { ...record.headers, ...resumeHeaders } });
    byTopic.set(record.topic, messages);
  }
  return {
    acks,
    compression: CompressionTypes.GZIP,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  };
}

/**
 * What to do after a failed send, by what the error calls for (see classifyProduceError): a batch
 * refused as too large is made smaller (split, or a single record dead-lettered); a sequence error is
 * resent at once by a new producer; anything else is kept and resent. What retrying cannot fix (a
 * non-retriable error, or a sequence error a new producer did not clear) blocks ingest: not ready,
 * counted by code, retried slowly at the ceiling so that a fixed ACL or topic config recovers alone.
 */
export type FailurePlan = { kind: "shrink" } | { kind: "renew" } | Resend;

export type Resend = {
  kind: "resend";
  delay: "backoff" | "ceiling";
  level: "warn" | "error";
  message: string;
  /** Retrying as is cannot succeed until an operator acts: ingest reports itself blocked. */
  blocked: boolean;
};

/** `previous`: the kind of the same batch's previous failure, if any. */
export function planAfterFailure(kind: ProduceErrorKind, previous?: ProduceErrorKind): FailurePlan {
  if (kind === "too_large") return { kind: "shrink" };
  if (kind === "sequence" && previous !== "sequence") return { kind: "renew" };
  if (kind === "sequence") return blockedResend("a new kafka producer did not clear the sequence error");
  if (kind === "non_retriable")
    return blockedResend("kafka refused the batch with an error retrying cannot fix");
  return resendLater;
}

function blockedResend(what: string): Resend {
  return {
    kind: "resend",
    delay: "ceiling",
    level: "error",
    blocked: true,
    message: `${what}; ingest is not ready until the cause is fixed (see /status), retrying slowly`,
  };
}

/** Also the plan for a too-large batch when no new producer could be had (Kafka away). */
export const resendLater: Resend = {
  kind: "resend",
  delay: "backoff",
  level: "warn",
  message: "kafka produce failed; keeping the batch and retrying",
  blocked: false,
};

function oldestEventTime(batch: readonly OutboundRecord[], fallback: string | undefined): string {
  const times = batch.map((r) => r.eventTimeMs).filter((t): t is number => t !== undefined);
  // One second of slack: meta.dt of neighbouring events is not strictly ordered.
  if (times.length > 0) return String(Math.min(...times) - 1000);
  // Only dead letters so far: restart from where this run started, never from "now".
  return fallback ?? String(Date.now());
}

/** What a failed attempt is logged with. */
export type FailureContext = {
  error: string;
  code: string;
  records: number;
  topics: string[];
  attempt: number;
};

export function failureContext(
  error: unknown,
  batch: readonly OutboundRecord[],
  attempt: number,
): FailureContext {
  return {
    error: errorMessage(error),
    code: produceErrorCode(error),
    records: batch.length,
    topics: [...new Set(batch.map((r) => r.topic))],
    attempt,
  };
}

/** A single record, as logged when Kafka refuses it as too large. */
export function recordContext(record: OutboundRecord) {
  return { topic: record.topic, sseId: record.sseId, metaId: record.metaId, bytes: record.value.length };
}
