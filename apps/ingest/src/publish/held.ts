import type { OutboundRecord } from "../records/record.ts";
import { Waiters } from "./waiting.ts";

/**
 * The size a held record is counted at: the characters of its value and key (bytes for ASCII JSON,
 * which is what EventStreams sends; a non-ASCII character counts once). Read without scanning the
 * string, since it is asked for every record.
 */
export function heldSize(record: OutboundRecord): number {
  return record.value.length + record.key.length;
}

export interface HeldLimits {
  /** Records held at most. */
  records: number;
  /** Their size (heldSize) at most; one record larger than this alone is still taken. */
  bytes: number;
}

/**
 * The records read but not yet acknowledged by Kafka, oldest first, bounded by count and by size:
 * a count alone lets large events (page_change bodies, big edit summaries) hold many times the
 * memory the count suggests. Writers wait for room (see waitForRoom); that stops the stream reader.
 */
export class HeldRecords {
  readonly #records: OutboundRecord[] = [];
  readonly #limits: HeldLimits;
  #bytes = 0;
  readonly #room = new Waiters();

  constructor(limits: HeldLimits) {
    this.#limits = limits;
  }

  get length(): number {
    return this.#records.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** At a limit; an empty buffer is never full, so a record larger than the byte limit still passes. */
  get full(): boolean {
    const count = this.#records.length;
    return count >= this.#limits.records || (count > 0 && this.#bytes >= this.#limits.bytes);
  }

  /** Resolves once there is room; rejects with the signal's reason if it aborts first. */
  async waitForRoom(signal?: AbortSignal): Promise<void> {
    while (this.full) {
      signal?.throwIfAborted();
      await this.#room.wait(signal);
    }
  }

  push(record: OutboundRecord): void {
    this.#records.push(record);
    this.#bytes += heldSize(record);
  }

  /**
   * The oldest records that make one batch: at most `count` of them and at most `bytes` in size,
   * but always at least one.
   */
  oldest(count: number, bytes: number): OutboundRecord[] {
    let size = 0;
    let end = 0;
    const last = Math.min(count, this.#records.length);
    while (end < last) {
      size += heldSize(this.#records[end]!);
      if (end > 0 && size > bytes) break;
      end++;
    }
    return this.#records.slice(0, end);
  }

  /** Lets the oldest `n` go (acknowledged) and wakes the writers waiting for room. */
  release(n: number): void {
    for (const record of this.#records.splice(0, n)) this.#bytes -= heldSize(record);
    this.#room.wakeAll();
  }

  /** The SSE id of the newest record held that has one. */
  newestSseId(): string | undefined {
    return this.#records.findLast((record) => record.sseId !== undefined)?.sseId;
  }

  /** Wakes every waiting writer, e.g. at stop (each looks again and leaves if its signal aborted). */
  wakeWriters(): void {
    this.#room.wakeAll();
  }
}
