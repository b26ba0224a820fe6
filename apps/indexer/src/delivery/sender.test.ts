import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import { AdaptiveConcurrency } from "./concurrency.ts";
import { BulkSender, type SenderOptions } from "./sender.ts";
import type { CodedError, SendOutcome } from "./types.ts";

type Item = { id: string; bytes: number; attempts: number; live: boolean };
const items = (...ids: string[]): Item[] => ids.map((id) => ({ id, bytes: 10, attempts: 0, live: true }));
const error = (code: string): CodedError => Object.assign(new Error(code), { code });
const ids = (batch: readonly Item[]) => batch.map((item) => item.id);

/** A sender whose sends answer from `answer`, recording every send and every event. */
function harness(
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
      delivered: (item) => events.push(`delivered ${item.id}`),
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

describe("BulkSender", () => {
  it("sends full batches, at most `concurrency` at a time, and reports every item delivered", async () => {
    const h = harness(() => ({ kind: "ok" }));
    h.add(items("a", "b", "c", "d", "e", "f"));
    h.sender.sendDue();
    expect(h.sender.inFlight).toBe(2);
    await h.idle("every batch sent");
    expect(h.sent).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
    ]);
    expect(h.inFlightMax()).toBe(2);
    expect(h.events).toEqual(["a", "b", "c", "d", "e", "f"].map((id) => `delivered ${id}`));
    h.sender.close();
  });

  it("with an adaptive limit, starts with one send in flight and adds more while batches wait", async () => {
    const h = harness(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { kind: "ok" };
      },
      { concurrency: new AdaptiveConcurrency({ max: 3 }) },
    );
    h.add(items(...Array.from({ length: 20 }, (_, i) => `i${i}`)));
    h.sender.sendDue();
    expect(h.sender.inFlight).toBe(1);
    await h.idle("every batch sent");
    expect(h.sent.flat()).toHaveLength(20);
    expect(h.inFlightMax()).toBe(3);
    h.sender.close();
  });

  it("counts the bytes it holds, queued, in flight or waiting out a retry, until each item is answered", async () => {
    let answer!: (outcome: SendOutcome) => void;
    const h = harness(
      () =>
        new Promise<SendOutcome>((resolve) => {
          answer = resolve;
        }),
      { concurrency: 1 },
    );
    h.add(items("a", "b", "c"));
    expect(h.sender.heldBytes).toBe(30);
    h.sender.sendDue();
    expect(h.sender.heldBytes).toBe(30);
    answer({ kind: "ok" });
    await waitFor("the first batch answered", () => h.sent.length === 2, 2000, 2);
    expect(h.sender.heldBytes).toBe(10);
    answer({ kind: "ok" });
    await h.idle("every batch sent");
    expect(h.sender.heldBytes).toBe(0);
    h.sender.close();
  });

  it("starts with a batch of 100 documents and doubles the batch with every answer, up to maxDocs", async () => {
    const h = harness(() => ({ kind: "ok" }), {
      limits: { maxDocs: 300, maxBytes: 1_000_000, lingerMs: 0 },
      concurrency: 1,
    });
    h.add(items(...Array.from({ length: 1000 }, (_, i) => `i${i}`)));
    h.sender.sendDue();
    await h.idle("every batch sent");
    expect(h.sent.map((batch) => batch.length)).toEqual([100, 200, 300, 300, 100]);
    h.sender.close();
  });

  it("holds a partial batch for the linger time unless flushed", async () => {
    const h = harness(() => ({ kind: "ok" }), {
      limits: { maxDocs: 10, maxBytes: 1_000_000, lingerMs: 60_000 },
    });
    h.add(items("a"));
    h.sender.sendDue();
    expect(h.sent).toEqual([]);
    h.sender.flush();
    await h.idle("the flushed batch");
    expect(h.sent).toEqual([["a"]]);
    h.sender.close();
  });

  it("acts on a partial failure: dead-letters, delivers, and resends the retried item alone later", async () => {
    const h = harness((_batch, call) =>
      call === 0
        ? {
            kind: "partial_failure",
            rejections: [{ position: 0, status: 400, reason: "mapper_parsing_exception", detail: "bad" }],
            retries: [{ position: 1, status: 429, cause: "throttled", bounded: false, detail: "busy" }],
          }
        : { kind: "ok" },
    );
    const batch = items("a", "b");
    h.add(batch);
    h.sender.sendDue();
    await waitFor("the resend", () => h.sent.length === 2 && h.sender.inFlight === 0, 2000, 2);
    expect(h.sent).toEqual([["a", "b"], ["b"]]);
    expect(h.events).toEqual([
      "dead_letter a mapper_parsing_exception 400",
      "retry b throttled",
      "due b",
      "delivered b",
    ]);
    expect(batch[1]!.attempts).toBe(1);
    h.sender.close();
  });

  it("sends nothing after a failed request until its backoff passed, then resends the batch", async () => {
    const h = harness(
      (_batch, call) =>
        call === 0 ? { kind: "request_failed", error: error("opensearch_timeout") } : { kind: "ok" },
      {
        retry: { initialMs: 80, maxMs: 80, maxItemAttempts: 3 },
        random: () => 0.5,
      },
    );
    const first = items("a", "b");
    h.add(first);
    h.sender.sendDue();
    await waitFor("the failed answer", () => h.events.length >= 2, 2000, 1);
    const failedAt = Date.now();
    h.add(items("c", "d"));
    h.sender.sendDue();
    expect(h.sent).toEqual([["a", "b"]]);
    await waitFor("the resend", () => h.sent.length === 3 && h.sender.inFlight === 0, 2000, 2);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(30);
    expect(h.sent.slice(1).flat().sort()).toEqual(["a", "b", "c", "d"]);
    expect(h.events.slice(0, 3)).toEqual([
      "error opensearch_timeout",
      "back_off opensearch_timeout 40",
      "retry a,b opensearch_timeout",
    ]);
    expect(first[0]!.attempts).toBe(0);
    h.sender.close();
  });

  it("splits a refused batch until the refused item is alone, and dead-letters it", async () => {
    const refused: SendOutcome = {
      kind: "request_refused",
      error: error("bulk_request_rejected"),
      status: 413,
      reason: "too big",
    };
    const h = harness((batch) => (ids(batch).includes("c") ? refused : { kind: "ok" }), {
      limits: { maxDocs: 4, maxBytes: 1_000_000, lingerMs: 0 },
    });
    h.add(items("a", "b", "c", "d"));
    h.sender.sendDue();
    await h.idle("the halves");
    expect(h.sent).toEqual([["a", "b", "c", "d"], ["a", "b"], ["c", "d"], ["c"], ["d"]]);
    expect(h.events.filter((event) => event.startsWith("dead_letter"))).toEqual([
      "dead_letter c request_rejected 413",
    ]);
    h.sender.close();
  });

  it("never sends an item that is no longer live, and drops queued stale items", async () => {
    const h = harness(() => ({ kind: "ok" }), {
      limits: { maxDocs: 10, maxBytes: 1_000_000, lingerMs: 60_000 },
    });
    const batch = items("a", "b", "c");
    h.add(batch);
    batch[0]!.live = false;
    expect(h.sender.dropStale()).toBe(1);
    expect(h.sender.queued).toBe(2);
    batch[1]!.live = false;
    h.sender.flush();
    await h.idle("the live item");
    expect(h.sent).toEqual([["c"]]);
    h.sender.close();
  });

  it("ignores an answer arriving after close", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const closing = harness(async () => {
      await gate;
      return { kind: "ok" };
    });
    closing.add(items("a", "b"));
    closing.sender.sendDue();
    closing.sender.close();
    release();
    await waitFor("the late answer", () => closing.sender.inFlight === 0, 2000, 2);
    expect(closing.events).toEqual([]);
  });

  it("reports a throwing callback as unexpected, never as an unhandled rejection", async () => {
    const events: string[] = [];
    const broken = new BulkSender<Item>({
      send: async () => ({ kind: "ok" }),
      limits: { maxDocs: 1, maxBytes: 1_000_000, lingerMs: 0 },
      concurrency: 1,
      retry: { initialMs: 1, maxMs: 1, maxItemAttempts: 3 },
      now: () => Date.now(),
      isLive: () => true,
      events: {
        delivered: () => {
          throw new Error("callback broke");
        },
        deadLetter: () => {},
        retryScheduled: () => {},
        retryDue: () => {},
        requestError: () => {},
        backingOff: () => {},
        inFlight: () => {},
        settled: () => {},
        unexpected: (what) => events.push(`unexpected ${what}`),
      },
    });
    broken.add(items("a")[0]!, Date.now());
    broken.sendDue();
    await waitFor("the reported throw", () => events.length === 1, 2000, 2);
    expect(events).toEqual(["unexpected bulk send"]);
    broken.close();
  });
});
