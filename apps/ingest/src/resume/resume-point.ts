import { recordHeaders as headers } from "@wikistream/events";

export interface ResumePoint {
  /** Send as Last-Event-ID; undefined when the topics hold no record of ours. */
  lastEventId: string | undefined;
  /** When no id is known but records exist: `?since=` in epoch ms. */
  since: string | undefined;
  /** meta.ids found in the tails: events that a resume will deliver again, already in Kafka. */
  publishedIds: Set<string>;
  /** Frame ids found in the dead-letter tail: bad frames a resume will deliver again. */
  deadLetteredFrames: Set<string>;
  recordsScanned: number;
}

/** One record of a tail as the resume scan reads it: its Kafka timestamp and a header lookup. */
export interface TailRecord {
  timestamp: number;
  header: (name: string) => string | undefined;
}

/**
 * Folds the records of the tails into a resume point: the newest record (by Kafka timestamp; on a
 * tie the later one read) names where to resume, and every id seen is one a resume delivers again.
 */
export class TailSummary {
  readonly #publishedIds = new Set<string>();
  readonly #deadLetteredFrames = new Set<string>();
  #newest: { timestamp: number; resumeId: string | undefined; resumeSince: string | undefined } | undefined;
  #scanned = 0;

  add(record: TailRecord): void {
    this.#scanned++;
    const metaId = record.header(headers.metaId);
    if (metaId) this.#publishedIds.add(metaId);
    const frame = record.header(headers.frameId);
    if (frame) this.#deadLetteredFrames.add(frame);
    if (!this.#newest || record.timestamp >= this.#newest.timestamp) {
      this.#newest = {
        timestamp: record.timestamp,
        resumeId: record.header(headers.resumeId),
        resumeSince: record.header(headers.resumeSince),
      };
    }
  }

  point(): ResumePoint {
    const resumeId = this.#newest?.resumeId;
    return {
      lastEventId: resumeId,
      since: resumeId ? undefined : this.#newest?.resumeSince,
      publishedIds: this.#publishedIds,
      deadLetteredFrames: this.#deadLetteredFrames,
      recordsScanned: this.#scanned,
    };
  }
}
