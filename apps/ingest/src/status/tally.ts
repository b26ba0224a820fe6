import type { StreamName } from "@wikistream/events";
import type { LifecycleState } from "@wikistream/http";
import type { ProduceBlock } from "../publish/producer-slot.ts";
import type { StartFrom, StartPolicy } from "../resume/start-policy.ts";
import { createRateWindow } from "./rates.ts";

/** The life cycle both apps report in `/status` (see @wikistream/http). */
export type IngestState = LifecycleState;

export interface IngestCounts {
  /** Event frames read from the stream. */
  received: number;
  /** Events acknowledged by Kafka in their stream topic. */
  published: number;
  /** Frames acknowledged by Kafka in the dead-letter topic. */
  deadLettered: number;
  /** Canary events dropped. */
  canaries: number;
  /** Events (and bad frames) already in Kafka, read again after a resume and dropped. */
  duplicates: number;
  /** Not published to a stream topic on purpose: canaries + duplicates. */
  dropped: number;
}

/** `/status`: a human-readable summary; `/metrics` has the same facts for machines. */
export interface IngestStatus {
  state: IngestState;
  streams: StreamName[];
  url: string;
  /** Where this run started, by INGEST_START_POLICY: an id recovered from Kafka, a `since`, or neither (now). */
  startedFrom: {
    policy: StartPolicy | undefined;
    from: StartFrom | undefined;
    lastEventId: string | undefined;
    since: string | undefined;
  };
  lastEventId: string | undefined;
  lastAckedEventId: string | undefined;
  connected: boolean;
  kafkaConnected: boolean;
  /** Kafka refuses every send with an error retrying cannot fix: not ready until it is fixed. */
  produceBlocked: ProduceBlock | undefined;
  bufferDepth: number;
  counts: IngestCounts;
  rates: { windowSeconds: number; receivedPerSecond: number; publishedPerSecond: number };
  startedAt: string | undefined;
  error: string | undefined;
}

/** The counters and rates behind `/status`, kept apart from the pipeline's control flow. */
export class Tally {
  readonly #counts: IngestCounts = {
    received: 0,
    published: 0,
    deadLettered: 0,
    canaries: 0,
    duplicates: 0,
    dropped: 0,
  };
  readonly #receivedRate = createRateWindow();
  readonly #publishedRate = createRateWindow();

  received(): void {
    this.#counts.received++;
    this.#receivedRate.add();
  }

  published(n: number): void {
    this.#counts.published += n;
    this.#publishedRate.add(n);
  }

  deadLettered(n: number): void {
    this.#counts.deadLettered += n;
  }

  dropped(reason: "canary" | "duplicate"): void {
    this.#counts.dropped++;
    if (reason === "canary") this.#counts.canaries++;
    else this.#counts.duplicates++;
  }

  counts(): IngestCounts {
    return { ...this.#counts };
  }

  rates(): IngestStatus["rates"] {
    return {
      windowSeconds: this.#receivedRate.windowSeconds,
      receivedPerSecond: this.#receivedRate.perSecond(),
      publishedPerSecond: this.#publishedRate.perSecond(),
    };
  }
}
