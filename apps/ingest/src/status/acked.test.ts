import { describe, expect, it } from "vitest";
import type { OutboundRecord } from "../records/record.ts";
import { summariseAck } from "./acked.ts";

const record = (topic: string, eventTimeMs?: number): OutboundRecord => ({
  topic,
  key: "k",
  value: "{}",
  headers: {},
  sseId: undefined,
  metaId: undefined,
  eventTimeMs,
  stream: eventTimeMs === undefined ? undefined : "mediawiki.recentchange",
});

describe("summariseAck", () => {
  it("counts events by topic and dead letters apart, with the newest event time per stream", () => {
    const summary = summariseAck(
      [record("rc", 10), record("rc", 30), record("dlq"), record("rc", 20)],
      "dlq",
    );
    expect(summary).toEqual({
      published: new Map([["rc", 3]]),
      deadLettered: 1,
      newest: new Map([["mediawiki.recentchange", 30]]),
    });
  });
});
