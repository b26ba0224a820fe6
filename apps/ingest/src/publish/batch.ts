import { recordHeaders as headerNames } from "@wikistream/events";
import type { ProduceErrorKind } from "@wikistream/kafka";
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
 * refused as too large is made smaller (split, or a single record dead-lettered); anything else is
 * kept and resent, at the backoff ceiling and logged as an error when retrying as is cannot help.
 */
export type FailurePlan = { kind: "shrink" } | Resend;

export type Resend = {
  kind: "resend";
  delay: "backoff" | "ceiling";
  level: "warn" | "error";
  message: string;
};

export function planAfterFailure(kind: ProduceErrorKind): FailurePlan {
  if (kind === "too_large") return { kind: "shrink" };
  return kind === "non_retriable"
    ? {
        kind: "resend",
        delay: "ceiling",
        level: "error",
        message: "kafka refused the batch with a non-retriable error; fix the cause, retrying",
      }
    : resendLater;
}

/** Also the plan for a too-large batch when no new producer could be had (Kafka away). */
export const resendLater: Resend = {
  kind: "resend",
  delay: "backoff",
  level: "warn",
  message: "kafka produce failed; keeping the batch and retrying",
};

function oldestEventTime(batch: readonly OutboundRecord[], fallback: string | undefined): string {
  const times = batch.map((r) => r.eventTimeMs).filter((t): t is number => t !== undefined);
  // One second of slack: meta.dt of neighbouring events is not strictly ordered.
  if (times.length > 0) return String(Math.min(...times) - 1000);
  // Only dead letters so far: restart from where this run started, never from "now".
  return fallback ?? String(Date.now());
}
