import { describe, expect, it } from "vitest";
import { decideStart } from "./start-policy.ts";

const nothing = { lastEventId: undefined, since: undefined, emptied: [] };
const emptied = [{ topic: "wikistream.mediawiki.recentchange", partition: 2, high: "1200" }];

describe("decideStart", () => {
  it("resume: an id wins, then a recovered since, then INGEST_SINCE on a first start", () => {
    expect(decideStart("resume", { ...nothing, lastEventId: "id", since: "1" }, "2")).toMatchObject({
      kind: "start",
      from: "resume_id",
      lastEventId: "id",
      since: undefined,
    });
    expect(decideStart("resume", { ...nothing, since: "1" }, "2")).toMatchObject({
      from: "resume_since",
      since: "1",
    });
    expect(decideStart("resume", nothing, "2")).toMatchObject({ from: "since", since: "2", level: "info" });
  });

  it("resume: a first start at the live edge says so loudly", () => {
    expect(decideStart("resume", nothing, undefined)).toMatchObject({
      kind: "start",
      from: "latest",
      level: "warn",
      lastEventId: undefined,
      since: undefined,
    });
  });

  it("resume: refuses when topics that had records hold none and nothing else gives a resume point", () => {
    const decision = decideStart("resume", { ...nothing, emptied }, "2");
    expect(decision.kind).toBe("refuse");
    expect(decision.message).toContain("INGEST_START_POLICY=resume");
    expect(decision.message).toContain(
      "partition 2 of topic wikistream.mediawiki.recentchange held records up to offset 1200",
    );
    expect(decision.message).toContain("INGEST_START_POLICY=since with INGEST_SINCE=");
  });

  it("resume: an emptied partition beside a resume point (a quiet DLQ past retention) is no reason to refuse", () => {
    expect(decideStart("resume", { ...nothing, lastEventId: "id", emptied }, undefined)).toMatchObject({
      from: "resume_id",
    });
  });

  it("since and latest override what Kafka holds, with a warning", () => {
    expect(decideStart("since", { ...nothing, lastEventId: "id", emptied }, "2")).toMatchObject({
      from: "since",
      since: "2",
      lastEventId: undefined,
      level: "warn",
    });
    const latest = decideStart("latest", { ...nothing, lastEventId: "id" }, "2");
    expect(latest).toMatchObject({ from: "latest", lastEventId: undefined, since: undefined, level: "warn" });
    expect(latest.message).toContain("ignored");
  });
});
