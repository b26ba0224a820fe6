import { type BackoffOptions, createBackoff } from "@wikistream/resilience";
import { DeadLetterTooLargeError } from "../errors.ts";
import {
  deadLetterSendLimits,
  estimateLetterBytes,
  type RecordDeadLetter,
  truncateLetter,
} from "./letter.ts";
import type { DeadLetterPublisher } from "./publisher.ts";

export interface DeadLetterQueueOptions<R> {
  publisher: DeadLetterPublisher;
  /** False once the letter no longer matters (partition no longer owned): it is dropped unsent. */
  keep: (ref: R) => boolean;
  onPublished: (ref: R, letter: RecordDeadLetter) => void;
  onError: (error: unknown, letters: number) => void;
  onTruncated: (ref: R, letter: RecordDeadLetter) => void;
  backoff: BackoffOptions;
  limits?: { maxLetters: number; maxBytes: number };
}

type Entry<R> = { ref: R; letter: RecordDeadLetter };

/**
 * Publishes queued letters in bounded sends (at most `maxLetters` letters and about `maxBytes`), one
 * send at a time, retrying with backoff until Kafka takes them: a record counts as finished only once
 * its letter is acknowledged. A send refused as too large is halved at once; a single letter refused
 * as too large is truncated (`onTruncated`) and sent again. Letters whose `keep(ref)` turned false
 * meanwhile (partition no longer owned) are dropped: the new owner re-reads and re-judges.
 */
export class DeadLetterQueue<R> {
  readonly #options: DeadLetterQueueOptions<R>;
  readonly #limits: { maxLetters: number; maxBytes: number };
  readonly #backoff: ReturnType<typeof createBackoff>;
  #queue: Entry<R>[] = [];
  #sending = false;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;
  /** Letters a send may hold now: halved after a too-large refusal, doubled back after a success. */
  #maxLetters: number;

  constructor(options: DeadLetterQueueOptions<R>) {
    this.#options = options;
    this.#limits = options.limits ?? deadLetterSendLimits;
    this.#maxLetters = this.#limits.maxLetters;
    this.#backoff = createBackoff(options.backoff);
  }

  /** Queues a letter; `onPublished(ref)` runs once Kafka acknowledged it. */
  push(ref: R, letter: RecordDeadLetter): void {
    this.#queue.push({ ref, letter });
    this.#start();
  }

  get size(): number {
    return this.#queue.length;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#wake?.();
  }

  #start(): void {
    this.#run().catch((error: unknown) => this.#options.onError(error, 0));
  }

  /** The head of the queue, within the letter and byte limits; never empty when the queue is not. */
  #head(): Entry<R>[] {
    let bytes = 0;
    let count = 0;
    for (const entry of this.#queue) {
      const size = estimateLetterBytes(entry.letter);
      if (count > 0 && (count >= this.#maxLetters || bytes + size > this.#limits.maxBytes)) break;
      bytes += size;
      count += 1;
    }
    return this.#queue.slice(0, count);
  }

  async #run(): Promise<void> {
    if (this.#sending || this.#closed) return;
    this.#sending = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        this.#queue = this.#queue.filter(({ ref }) => this.#options.keep(ref));
        const batch = this.#head();
        if (batch.length === 0) break;
        if (!(await this.#sendOnce(batch))) await this.#pause(this.#backoff.next());
      }
    } finally {
      this.#sending = false;
      if (this.#queue.length > 0 && !this.#closed) this.#start();
    }
  }

  /** One send; false when the caller should back off before the next (true: go on at once). */
  async #sendOnce(batch: Entry<R>[]): Promise<boolean> {
    try {
      await this.#options.publisher.publish(batch.map(({ letter }) => letter));
    } catch (error) {
      this.#options.onError(error, batch.length);
      return error instanceof DeadLetterTooLargeError && this.#shrink(batch);
    }
    // Only push() appends meanwhile: the batch is still the head of the queue.
    this.#queue.splice(0, batch.length);
    this.#backoff.reset();
    this.#maxLetters = Math.min(this.#limits.maxLetters, this.#maxLetters * 2);
    for (const { ref, letter } of batch) this.#options.onPublished(ref, letter);
    return true;
  }

  /** After a too-large refusal: send fewer, or truncate a lone letter; false if nothing is left to cut. */
  #shrink(batch: Entry<R>[]): boolean {
    if (batch.length > 1) {
      this.#maxLetters = Math.max(1, Math.ceil(batch.length / 2));
      return true;
    }
    const entry = batch[0]!;
    if (entry.letter.truncated !== undefined) return false;
    entry.letter = truncateLetter(entry.letter);
    this.#options.onTruncated(entry.ref, entry.letter);
    return true;
  }

  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    });
  }
}
