import type { StreamName } from "@wikistream/events";
import type { Logger } from "@wikistream/log";
import { decodeFrame } from "../decode.ts";
import type { IngestMetrics } from "../metrics.ts";
import { type DeadLetter, deadLetterRecord, frameId } from "../records/dead-letter.ts";
import { eventRecord, type OutboundRecord } from "../records/record.ts";
import type { Tally } from "../status/tally.ts";
import { decideRoute, type RoutableFrame, type Route } from "./decide.ts";
import type { SeenIds } from "./seen-ids.ts";

/** One SSE event frame as read. */
type Frame = { id: string | undefined; data: string };

/** How much of a too-large record its dead letter keeps: far below any Kafka size limit. */
const tooLargeRawChars = 16_384;

export interface FrameRouterOptions {
  streams: readonly StreamName[];
  /** The topic of each requested stream. */
  topics: ReadonlyMap<StreamName, string>;
  dlqTopic: string;
  /** The stream URL, named in dead letters. */
  url: string;
  /** What Kafka's tail and this process already hold (see SeenIds). */
  seen: { events: SeenIds; frames: SeenIds };
  metrics: IngestMetrics;
  tally: Tally;
  logger: Logger;
}

/** Acts on `decideRoute`: counts, remembers what it lets through, and builds the record to publish. */
export class FrameRouter {
  readonly #options: FrameRouterOptions;

  constructor(options: FrameRouterOptions) {
    this.#options = options;
  }

  /** One frame → a record to publish, or nothing (a canary, or something Kafka already holds). */
  async route(frame: Frame): Promise<OutboundRecord | undefined> {
    const { streams, topics, seen, metrics } = this.#options;
    const decoded = decodeFrame(frame.data, streams);
    metrics.eventsReceived.inc({ stream: decoded.kind === "reject" ? "unknown" : decoded.stream });
    const routable: RoutableFrame =
      decoded.kind === "reject" ? { ...decoded, frameId: await frameId(frame.id, frame.data) } : decoded;
    const route = decideRoute(routable, seen);
    switch (route.kind) {
      case "drop":
        this.#options.tally.dropped(route.reason);
        metrics.eventsDropped.inc({ reason: route.reason });
        return undefined;
      case "publish":
        seen.events.add(route.event.meta.id);
        return eventRecord(topics.get(route.stream)!, route.stream, route.event, frame);
      case "dead_letter":
        seen.frames.add(route.frameId);
        return this.#deadLetter(route, frame);
    }
  }

  /** The dead letter for a record Kafka refuses as too large; none for a dead letter (it would loop). */
  async deadLetterTooLarge(record: OutboundRecord, code: string): Promise<OutboundRecord | undefined> {
    const { dlqTopic, metrics } = this.#options;
    if (record.topic === dlqTopic) return undefined;
    metrics.deadLettered.inc({ reason: "too_large" });
    metrics.eventsDropped.inc({ reason: "too_large" });
    return this.#letter({
      reason: "too_large",
      detail: `${code}: ${record.value.length} characters for ${record.topic}; raw holds the first ${tooLargeRawChars}`,
      sseId: record.sseId,
      raw: record.value.slice(0, tooLargeRawChars),
      frameId: await frameId(record.sseId, record.value),
    });
  }

  #deadLetter(route: Extract<Route, { kind: "dead_letter" }>, frame: Frame): OutboundRecord {
    const { dlqTopic, metrics, logger } = this.#options;
    const { reason, detail } = route;
    metrics.deadLettered.inc({ reason });
    metrics.eventsDropped.inc({ reason });
    logger.warn("frame dead-lettered", { reason, detail, sseId: frame.id, topic: dlqTopic });
    return this.#letter({ reason, detail, sseId: frame.id, raw: frame.data, frameId: route.frameId });
  }

  #letter(letter: Omit<DeadLetter, "url" | "receivedAt">): OutboundRecord {
    // Spelled out so that the JSON value keeps its field order (README, "Dead-letter records").
    return deadLetterRecord(this.#options.dlqTopic, {
      reason: letter.reason,
      detail: letter.detail,
      url: this.#options.url,
      sseId: letter.sseId,
      raw: letter.raw,
      frameId: letter.frameId,
      receivedAt: new Date().toISOString(),
    });
  }
}
