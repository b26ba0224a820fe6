import type { Logger } from "@wikistream/log";
import { WikistreamError } from "@wikistream/resilience";
import type { IngestConfig } from "../config.ts";
import type { IngestMetrics } from "../metrics.ts";
import type { RecoveredPoint } from "../resume/recover.ts";
import { decideStart, type StartFrom } from "../resume/start-policy.ts";

/** Where this run connects: the decision of INGEST_START_POLICY, counted and logged. */
export interface StartPoint {
  from: StartFrom;
  lastEventId: string | undefined;
  since: string | undefined;
  /** The stream URL with `?since=` when the run starts from a time. */
  connectUrl: string;
}

/**
 * Applies INGEST_START_POLICY to what Kafka holds; counts the start in `wikistream_ingest_starts_total`
 * and logs it. Throws `ingest_resume_point_gone` (not retryable) when the policy refuses to guess.
 */
export function chooseStartPoint(
  deps: { config: IngestConfig; metrics: IngestMetrics; logger: Logger },
  resume: RecoveredPoint,
  streamUrl: string,
): StartPoint {
  const { config, metrics, logger } = deps;
  const decision = decideStart(config.startPolicy, resume, config.since);
  if (decision.kind === "refuse") {
    metrics.starts.inc({ policy: config.startPolicy, from: "refused" });
    throw new WikistreamError("ingest_resume_point_gone", decision.message, {
      retryable: false,
      context: { emptied: resume.emptied },
    });
  }
  const { lastEventId, since, from } = decision;
  metrics.starts.inc({ policy: config.startPolicy, from });
  logger[decision.level](decision.message, { policy: config.startPolicy, from, lastEventId, since });
  const connectUrl = since ? `${streamUrl}?since=${encodeURIComponent(since)}` : streamUrl;
  return { from, lastEventId, since, connectUrl };
}
