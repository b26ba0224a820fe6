import { describe, expect, it } from "vitest";
import { DeadlineExceededError, retryUntil } from "./retry.ts";

const fast = { initialMs: 1, maxMs: 2, random: () => 0 };

describe("retryUntil", () => {
  it("retries retriable errors until the operation succeeds, reporting each retry", async () => {
    const retries: number[] = [];
    let calls = 0;
    const result = await retryUntil(
      async () => {
        calls++;
        if (calls < 3) throw new Error("not yet");
        return "ok";
      },
      {
        what: "test",
        deadlineMs: 5_000,
        isRetriable: () => true,
        backoff: fast,
        onRetry: ({ attempt }) => retries.push(attempt),
      },
    );
    expect(result).toBe("ok");
    expect(retries).toEqual([1, 2]);
  });

  it("throws a non-retriable error at once", async () => {
    let calls = 0;
    const failing = retryUntil(
      async () => {
        calls++;
        throw new Error("bad credentials");
      },
      { what: "test", deadlineMs: 5_000, isRetriable: () => false, backoff: fast },
    );
    await expect(failing).rejects.toThrow("bad credentials");
    expect(calls).toBe(1);
  });

  it("gives up at the deadline with the last cause and the attempt count", async () => {
    let clock = 0;
    const failing = retryUntil(
      async () => {
        clock += 400;
        throw new Error("no leader");
      },
      {
        what: "reading offsets",
        deadlineMs: 1_000,
        isRetriable: () => true,
        backoff: fast,
        now: () => clock,
      },
    );
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).attempts).toBe(3);
    expect((error as Error).message).toBe("reading offsets did not succeed within 1000 ms: no leader");
    expect(((error as Error).cause as Error).message).toBe("no leader");
  });

  it("stops waiting when aborted", async () => {
    const controller = new AbortController();
    const failing = retryUntil(
      async () => {
        throw new Error("down");
      },
      {
        what: "test",
        deadlineMs: 60_000,
        isRetriable: () => true,
        backoff: { initialMs: 10_000, maxMs: 10_000, random: () => 1 },
        onRetry: () => controller.abort(new Error("stopping")),
        signal: controller.signal,
      },
    );
    await expect(failing).rejects.toThrow("stopping");
  });
});
