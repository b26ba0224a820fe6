import { describe, expect, it } from "vitest";
import { parseRetryAfter, refusalHint, StreamError } from "./errors.ts";

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("7")).toBe(7000);
    expect(
      parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")),
    ).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("StreamError", () => {
  it("retries everything but a plain 4xx, and codes by reason", () => {
    const url = "http://x";
    expect(new StreamError("http_429", "m", { url }).retryable).toBe(true);
    expect(new StreamError("stalled", "m", { url }).code).toBe("stream_stalled");
    expect(new StreamError("http_4xx", "m", { url, status: 403 }).retryable).toBe(false);
  });
});

describe("refusalHint", () => {
  it("names the variable to change", () => {
    const request = { userAgent: "python-requests/2.31", lastEventId: undefined };
    expect(refusalHint(403, request)).toContain("INGEST_USER_AGENT");
    expect(refusalHint(403, request)).toContain("python-requests/2.31");
    expect(refusalHint(400, request)).toContain("INGEST_STREAMS");
    expect(refusalHint(400, { ...request, lastEventId: "[]" })).toContain(
      "Last-Event-ID recovered from Kafka",
    );
    expect(refusalHint(404, request)).toContain("INGEST_STREAM_URL");
  });
});
