import type { StreamName } from "@wikistream/events";
import type { Logger } from "@wikistream/log";
import { type DecodedFrame, decodeFrame } from "../decode.ts";
import type { IngestMetrics } from "../metrics.ts";
import { type DeadLetter, deadLetterRecord, frameId } from "../records/dead-letter.ts";
import { eventRecord, type OutboundRecord } from "../records/record.ts";
import type { StreamFrame } from "../sse/messages.ts";
import type { Tally } from "../status/tally.ts";
import { decideRoute, type RoutableFrame, type Route } from "./decide.ts";
import type { SeenIds } from "./seen-ids.ts";

/** One SSE event frame as read. */
type Frame = StreamFrame;

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
    // A frame the reader already knows is no event (too large, not UTF-8) is never parsed.
    const decoded: DecodedFrame = frame.fault
      ? { kind: "reject", reason: frame.fault.reason, detail: frame.fault.detail }
      : decodeFrame(frame.data, streams);
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

  /**
   * The dead letter for a record Kafka refuses as too large. A dead letter refused so (a big invalid
   * frame) is sent again with its raw cut short, as counted when it was made; one already cut short
   * gets none (it would loop).
   */
  async deadLetterTooLarge(record: OutboundRecord, code: string): Promise<OutboundRecord | undefined> {
    const { dlqTopic, metrics } = this.#options;
    if (record.topic === dlqTopic) return this.#shortened(record, code);
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

  #shortened(record: OutboundRecord, code: string): OutboundRecord | undefined {
    const letter = JSON.parse(record.value) as DeadLetter;
    if (letter.raw.length <= tooLargeRawChars) return undefined;
    return deadLetterRecord(this.#options.dlqTopic, {
      ...letter,
      detail: `${letter.detail} (${code}: raw of ${letter.raw.length} characters cut to its first ${tooLargeRawChars})`,
      raw: letter.raw.slice(0, tooLargeRawChars),
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
