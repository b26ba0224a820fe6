import { waitFor } from "@wikistream/testkit";
import { BulkSender, type SenderOptions } from "./sender.ts";
import type { CodedError, SendOutcome } from "./types.ts";

// Shared by the BulkSender tests (sender.test.ts, sender-answers.test.ts).

export type Item = { id: string; bytes: number; attempts: number; live: boolean };
export const items = (...ids: string[]): Item[] =>
  ids.map((id) => ({ id, bytes: 10, attempts: 0, live: true }));
export const error = (code: string): CodedError => Object.assign(new Error(code), { code });
export const ids = (batch: readonly Item[]) => batch.map((item) => item.id);

/** A sender whose sends answer from `answer`, recording every send and every event. */
export function harness(
  answer: (batch: readonly Item[], call: number) => SendOutcome | Promise<SendOutcome>,
  overrides: Partial<SenderOptions<Item>> = {},
) {
  const sent: string[][] = [];
  const events: string[] = [];
  let inFlightMax = 0;
  const sender = new BulkSender<Item>({
    send: async (batch) => {
      sent.push(ids(batch));
      return answer(batch, sent.length - 1);
    },
    limits: { maxDocs: 2, maxBytes: 1_000_000, lingerMs: 0 },
    concurrency: 2,
    retry: { initialMs: 1, maxMs: 1, maxItemAttempts: 3 },
    now: () => Date.now(),
    isLive: (item) => item.live,
    random: () => 0,
    events: {
      delivered: (items) => {
        for (const item of items) events.push(`delivered ${item.id}`);
      },
      deadLetter: (item, reason, _detail, status) =>
        events.push(`dead_letter ${item.id} ${reason} ${status}`),
      retryScheduled: (batch, reason) => events.push(`retry ${ids(batch).join(",")} ${reason}`),
      retryDue: (item) => events.push(`due ${item.id}`),
      requestError: (failure) => events.push(`error ${failure.code}`),
      backingOff: (failure, delayMs) => events.push(`back_off ${failure.code} ${delayMs}`),
      inFlight: (count) => {
        inFlightMax = Math.max(inFlightMax, count);
      },
      settled: () => {},
      unexpected: (what) => events.push(`unexpected ${what}`),
    },
    ...overrides,
  });
  const add = (batch: Item[]) => {
    for (const item of batch) sender.add(item, Date.now());
  };
  const idle = (what: string) => waitFor(what, () => sender.inFlight === 0 && sender.queued === 0, 2000, 2);
  return { sender, sent, events, add, idle, inFlightMax: () => inFlightMax };
}
