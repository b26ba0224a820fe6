import { recordHeaders as headers } from "@wikistream/events";
import type { RejectReason } from "../decode.ts";
import type { OutboundRecord } from "./record.ts";

/** What the dead-letter topic's JSON value holds (see README, "Dead-letter records"). */
export interface DeadLetter {
  reason: RejectReason | "too_large";
  detail: string;
  /** The stream URL the frame came from. */
  url: string;
  sseId: string | undefined;
  /** The SSE data payload exactly as received. */
  raw: string;
  frameId: string;
  receivedAt: string;
}

/**
 * A stable id for one received frame: SHA-256 of its SSE id and payload. A restart re-reads the last
 * batch; its events are recognised by meta.id, but a malformed frame may have none, so this digest is
 * what lets a re-read bad frame be recognised. Web Crypto, so it runs on every runtime.
 */
export async function frameId(sseId: string | undefined, raw: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${sseId ?? ""}\n${raw}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function deadLetterRecord(topic: string, letter: DeadLetter): OutboundRecord {
  return {
    topic,
    // The topic has one partition by default; the key only groups by reason if an operator adds more.
    key: letter.reason,
    value: JSON.stringify(letter),
    headers: {
      ...(letter.sseId === undefined ? {} : { [headers.sseId]: letter.sseId }),
      [headers.frameId]: letter.frameId,
    },
    sseId: letter.sseId,
    metaId: undefined,
    eventTimeMs: undefined,
    stream: undefined,
  };
}
