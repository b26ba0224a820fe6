import { describe, expect, it } from "vitest";
import { decideRoute, type SeenLookup } from "./decide.ts";

const event = { meta: { id: "0416300b-980c-45bb-b0a2-c9d7a9e2b7eb", dt: "2023-07-29T07:51:39Z" } };
const seen = (events: string[], frames: string[]): SeenLookup => ({
  events: new Set(events),
  frames: new Set(frames),
});
const nothingSeen = seen([], []);

describe("decideRoute", () => {
  it("publishes an event not seen yet, and drops one Kafka or this process already holds", () => {
    const frame = { kind: "event", stream: "mediawiki.recentchange", event } as const;
    expect(decideRoute(frame, nothingSeen)).toEqual({
      kind: "publish",
      stream: "mediawiki.recentchange",
      event,
    });
    expect(decideRoute(frame, seen([event.meta.id], []))).toEqual({ kind: "drop", reason: "duplicate" });
  });

  it("drops canaries, whatever was seen", () => {
    expect(decideRoute({ kind: "canary", stream: "mediawiki.recentchange" }, nothingSeen)).toEqual({
      kind: "drop",
      reason: "canary",
    });
  });

  it("dead-letters a rejected frame once: the same frame read again is a duplicate by frame id", () => {
    const frame = {
      kind: "reject",
      reason: "invalid_json",
      detail: "Unexpected token",
      frameId: "f1",
    } as const;
    expect(decideRoute(frame, nothingSeen)).toEqual({
      kind: "dead_letter",
      reason: "invalid_json",
      detail: "Unexpected token",
      frameId: "f1",
    });
    expect(decideRoute(frame, seen([], ["f1"]))).toEqual({ kind: "drop", reason: "duplicate" });
    // An event id never makes a rejected frame a duplicate: the two id spaces are apart.
    expect(decideRoute(frame, seen(["f1"], [])).kind).toBe("dead_letter");
  });
});
