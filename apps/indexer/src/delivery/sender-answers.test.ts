import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import { BulkSender } from "./sender.ts";
import { error, harness, type Item, ids, items } from "./sender-harness.ts";
import type { SendOutcome } from "./types.ts";

describe("BulkSender: acting on the answers", () => {
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
