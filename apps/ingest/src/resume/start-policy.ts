import type { IngestConfig } from "../config.ts";
import type { EmptiedPartition } from "./tail-ranges.ts";

export type StartPolicy = IngestConfig["startPolicy"];

/** Where a start begins, also the `from` label of `wikistream_ingest_starts_total`. */
export type StartFrom = "resume_id" | "resume_since" | "since" | "latest";

export type StartDecision =
  | {
      kind: "start";
      from: StartFrom;
      lastEventId: string | undefined;
      since: string | undefined;
      level: "info" | "warn";
      message: string;
    }
  | { kind: "refuse"; message: string };

/** What start-up learnt from Kafka: the recovered resume point and the partitions emptied since. */
export interface KafkaStartFacts {
  lastEventId: string | undefined;
  since: string | undefined;
  /** Partitions that held records and hold none now (low == high > 0). */
  emptied: readonly EmptiedPartition[];
}

const alternatives =
  "set INGEST_START_POLICY=since with INGEST_SINCE=<ISO-8601 time or epoch ms> to re-read from a time " +
  "(EventStreams keeps about a week), or INGEST_START_POLICY=latest to start at the live edge";

const start = (
  from: StartFrom,
  level: "info" | "warn",
  message: string,
  ids: { lastEventId?: string | undefined; since?: string | undefined } = {},
): StartDecision => ({ kind: "start", from, lastEventId: ids.lastEventId, since: ids.since, level, message });

/**
 * Where to start, by policy; never the live edge without saying so. With `resume`, topics that held
 * records and hold none now (retention, or recreated and written to by something else) mean the resume
 * point is gone: guessing "now" would skip everything since, silently, so this refuses instead. A
 * partition emptied while others still give a resume point is normal (a quiet dead-letter topic past
 * its retention): the resume id covers every stream of the connection.
 */
export function decideStart(
  policy: StartPolicy,
  kafka: KafkaStartFacts,
  configuredSince: string | undefined,
): StartDecision {
  if (policy === "latest") {
    const skipped = kafka.lastEventId || kafka.since ? "; the resume point Kafka holds is ignored" : "";
    return start("latest", "warn", `INGEST_START_POLICY=latest: starting at the live edge${skipped}`);
  }
  if (policy === "since") {
    const message = `INGEST_START_POLICY=since: starting from INGEST_SINCE=${configuredSince}`;
    return start("since", "warn", message, { since: configuredSince });
  }
  return decideResume(kafka, configuredSince);
}

/** INGEST_START_POLICY=resume: Kafka's resume point, else INGEST_SINCE on a first start, else refuse or the live edge. */
function decideResume(kafka: KafkaStartFacts, configuredSince: string | undefined): StartDecision {
  if (kafka.lastEventId) {
    return start("resume_id", "info", "resuming from the id recovered from kafka", {
      lastEventId: kafka.lastEventId,
    });
  }
  if (kafka.since) {
    return start("resume_since", "info", "resuming from the time recovered from kafka", {
      since: kafka.since,
    });
  }
  if (kafka.emptied.length > 0) {
    const [first] = kafka.emptied as [EmptiedPartition];
    const more = kafka.emptied.length > 1 ? ` (and ${kafka.emptied.length - 1} more partitions)` : "";
    return {
      kind: "refuse",
      message:
        `INGEST_START_POLICY=resume: the resume point is gone: partition ${first.partition} of topic ${first.topic} ` +
        `held records up to offset ${first.high} and holds none now${more} (retention, or the topic was emptied); ` +
        `starting at the live edge would skip everything since. To start anyway, ${alternatives}`,
    };
  }
  if (configuredSince !== undefined) {
    const message = `no resume point in kafka (first start): starting from INGEST_SINCE=${configuredSince}`;
    return start("since", "info", message, { since: configuredSince });
  }
  return start(
    "latest",
    "warn",
    "no resume point in kafka (first start, or the topics were recreated): starting at the live edge; " +
      "set INGEST_SINCE to start earlier",
  );
}
