import type { StreamName } from "@wikistream/events";
import type { DecodedEvent, DecodedFrame } from "../decode.ts";

type Rejected = Extract<DecodedFrame, { kind: "reject" }>;

/** A decoded frame as routing sees it: a rejected frame carries its frame id (see `frameId`). */
export type RoutableFrame = Exclude<DecodedFrame, Rejected> | (Rejected & { frameId: string });

/** What becomes of one frame; FrameRouter acts on it. */
export type Route =
  | { kind: "publish"; stream: StreamName; event: DecodedEvent }
  | { kind: "drop"; reason: "canary" | "duplicate" }
  | { kind: "dead_letter"; reason: Rejected["reason"]; detail: string; frameId: string };

export interface SeenLookup {
  events: { has(id: string): boolean };
  frames: { has(id: string): boolean };
}

/**
 * Publish, drop or dead-letter. Something Kafka or this process already holds is a duplicate: a
 * resume re-reads the last batch, and a rewound timestamp id the last millisecond. Events are known
 * by meta.id; rejected frames, which may have none, by their frame id.
 */
export function decideRoute(frame: RoutableFrame, seen: SeenLookup): Route {
  switch (frame.kind) {
    case "canary":
      return { kind: "drop", reason: "canary" };
    case "event":
      if (seen.events.has(frame.event.meta.id)) return { kind: "drop", reason: "duplicate" };
      return { kind: "publish", stream: frame.stream, event: frame.event };
    case "reject":
      if (seen.frames.has(frame.frameId)) return { kind: "drop", reason: "duplicate" };
      return { kind: "dead_letter", reason: frame.reason, detail: frame.detail, frameId: frame.frameId };
  }
}
