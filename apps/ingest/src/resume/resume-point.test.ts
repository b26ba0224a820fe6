import { recordHeaders as headers } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import { TailSummary } from "./resume-point.ts";

const record = (timestamp: number, fields: Record<string, string>) => ({
  timestamp,
  header: (name: string) => fields[name],
});

describe("TailSummary", () => {
  it("resumes from the newest record's resume id, a tie going to the later one read, and keeps every id seen", () => {
    const summary = new TailSummary();
    summary.add(record(20, { [headers.metaId]: "m1", [headers.resumeId]: "id-old" }));
    summary.add(record(10, { [headers.metaId]: "m2", [headers.resumeId]: "id-older" }));
    summary.add(record(20, { [headers.frameId]: "f1", [headers.resumeId]: "id-tie" }));
    expect(summary.point()).toEqual({
      lastEventId: "id-tie",
      since: undefined,
      publishedIds: new Set(["m1", "m2"]),
      deadLetteredFrames: new Set(["f1"]),
      recordsScanned: 3,
    });
  });

  it("falls back to the newest record's resume-since when it carries no id, and to nothing when empty", () => {
    const summary = new TailSummary();
    expect(summary.point()).toMatchObject({ lastEventId: undefined, since: undefined, recordsScanned: 0 });
    summary.add(record(5, { [headers.resumeSince]: "1700000000000" }));
    expect(summary.point()).toMatchObject({ lastEventId: undefined, since: "1700000000000" });
  });
});
