import { createLogger } from "@wikistream/log";
import { describe, expect, it } from "vitest";
import type { SendOutcome } from "../delivery/types.ts";
import { FirstWriteRefresh, indicesWritten } from "./first-refresh.ts";

const items = (...indices: string[]) => indices.map((index) => ({ index }));
const ok: SendOutcome = { kind: "ok" };
const failed: SendOutcome = {
  kind: "request_failed",
  error: Object.assign(new Error("down"), { code: "opensearch_unavailable" }),
};

describe("indicesWritten", () => {
  it("names every index of an ok send once, in name order", () => {
    expect(indicesWritten(items("ws-b", "ws-a", "ws-b"), ok)).toEqual(["ws-a", "ws-b"]);
  });

  it("leaves out the indices whose every item failed in a partial failure", () => {
    const outcome: SendOutcome = {
      kind: "partial_failure",
      rejections: [{ position: 0, status: 400, reason: "mapper_parsing_exception", detail: "" }],
      retries: [{ position: 2, status: 429, cause: "throttled", bounded: false, detail: "" }],
    };
    expect(indicesWritten(items("ws-a", "ws-b", "ws-c", "ws-b"), outcome)).toEqual(["ws-b"]);
  });

  it("names none when the request failed or was refused", () => {
    expect(indicesWritten(items("ws-a"), failed)).toEqual([]);
    const refused: SendOutcome = { ...failed, kind: "request_refused", status: 400, reason: "x" };
    expect(indicesWritten(items("ws-a"), refused)).toEqual([]);
  });
});

describe("FirstWriteRefresh", () => {
  const logger = createLogger({ level: "error", write: () => {} });

  it("refreshes each index once per process, after the first send that wrote into it", async () => {
    const calls: string[][] = [];
    const refresh = new FirstWriteRefresh({
      logger,
      refresh: async (indices) => void calls.push([...indices]),
    });
    refresh.sent(items("ws-a"), failed);
    refresh.sent(items("ws-a", "ws-a"), ok);
    refresh.sent(items("ws-a"), ok);
    refresh.sent(items("ws-a", "ws-b", "ws-c"), ok);
    refresh.sent(items("ws-c", "ws-b"), ok);
    await refresh.settled();
    expect(calls).toEqual([["ws-a"], ["ws-b", "ws-c"]]);
  });

  it("does not repeat a refresh that failed, and counts it", async () => {
    let attempts = 0;
    const failures: unknown[] = [];
    const refresh = new FirstWriteRefresh({
      logger,
      refresh: async () => {
        attempts += 1;
        throw new Error("403 no indices:admin/refresh");
      },
      onFailure: (error) => failures.push(error),
    });
    refresh.sent(items("ws-a"), ok);
    refresh.sent(items("ws-a"), ok);
    await refresh.settled();
    expect(attempts).toBe(1);
    expect(failures).toHaveLength(1);
  });
});
