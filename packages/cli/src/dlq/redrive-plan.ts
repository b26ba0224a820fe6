import { redriveHeader } from "@wikistream/events";
import type { Letter } from "./letter.ts";

export interface OutgoingMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer>;
}

/** What a re-drive does with one letter: a closed union, decided before anything is sent. */
export type RedriveStep =
  | {
      readonly kind: "send";
      readonly letter: Letter;
      readonly topic: string;
      readonly message: OutgoingMessage;
    }
  | {
      readonly kind: "skip";
      readonly letter: Letter;
      readonly why: "already_redriven" | "not_redrivable" | "no_target";
      readonly detail: string;
    };

export interface PlanOptions {
  /** Refs (`<dlq>:<partition>:<offset>`) the audit topic says were re-driven already. */
  readonly redriven: ReadonlySet<string>;
  /** Send here instead of the letter's source topic (required for ingest letters). */
  readonly toTopic?: string | undefined;
  /** Re-drive letters the audit topic lists too (a second attempt after another fix). */
  readonly force?: boolean;
}

/**
 * Per letter: send it to its source topic with the original key, value and headers (plus the
 * `wikistream-redriven-from` header naming the letter), or skip it and say why. Pure.
 */
export function planRedrive(letters: readonly Letter[], options: PlanOptions): RedriveStep[] {
  return letters.map((letter): RedriveStep => {
    if (!options.force && options.redriven.has(letter.ref)) {
      return {
        kind: "skip",
        letter,
        why: "already_redriven",
        detail: "listed in the audit topic (--force sends it again)",
      };
    }
    if (letter.unredrivable !== undefined) {
      return { kind: "skip", letter, why: "not_redrivable", detail: letter.unredrivable };
    }
    const topic = options.toTopic ?? letter.sourceTopic;
    if (topic === undefined) {
      return {
        kind: "skip",
        letter,
        why: "no_target",
        detail: `${letter.app} letters name no source topic: pass --to-topic`,
      };
    }
    const headers = { ...letter.original.headers, [redriveHeader]: Buffer.from(letter.ref) };
    return {
      kind: "send",
      letter,
      topic,
      message: { key: letter.original.key, value: letter.original.value, headers },
    };
  });
}

/** Rough wire size of a message before compression: key, value, header names and values. */
function messageBytes(message: OutgoingMessage): number {
  let bytes = 100 + (message.key?.byteLength ?? 0) + (message.value?.byteLength ?? 0);
  for (const [name, value] of Object.entries(message.headers)) bytes += name.length + value.byteLength;
  return bytes;
}

/**
 * Splits sends into chunks of at most `maxCount` messages and about `maxBytes` (Kafka refuses a
 * batch over 1 MiB by default); a single larger message gets a chunk of its own. Pure.
 */
export function chunkSends<T extends { message: OutgoingMessage }>(
  sends: readonly T[],
  maxCount = 500,
  maxBytes = 800_000,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const send of sends) {
    const size = messageBytes(send.message);
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(send);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
