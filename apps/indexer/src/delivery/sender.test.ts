import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import { AdaptiveConcurrency } from "./concurrency.ts";
import { harness, items } from "./sender-harness.ts";
import type { SendOutcome } from "./types.ts";

describe("BulkSender: batches and the send window", () => {
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

  it("with sendWhenIdle, sends a partial batch at once while nothing is in flight; the rest waits for the answer", async () => {
    let answer!: (outcome: SendOutcome) => void;
    const h = harness(
      () =>
        new Promise<SendOutcome>((resolve) => {
          answer = resolve;
        }),
      { limits: { maxDocs: 10, maxBytes: 1_000_000, lingerMs: 60_000, sendWhenIdle: true }, concurrency: 2 },
    );
    h.add(items("a"));
    h.sender.sendDue();
    expect(h.sent).toEqual([["a"]]);
    h.add(items("b", "c"));
    h.sender.sendDue();
    // One request is out: the linger (60 s) gathers the rest, and its answer ends the wait.
    expect(h.sent).toEqual([["a"]]);
    answer({ kind: "ok" });
    await waitFor("the second batch", () => h.sent.length === 2, 2000, 2);
    expect(h.sent).toEqual([["a"], ["b", "c"]]);
    answer({ kind: "ok" });
    await h.idle("every batch sent");
    h.sender.close();
  });

  it("holds a partial batch for the linger time unless flushed (sendWhenIdle off, the default)", async () => {
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
});
