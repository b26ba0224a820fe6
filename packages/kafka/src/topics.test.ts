import { describe, expect, it } from "vitest";
import { topicConfigEntries } from "./topics.ts";

describe("topicConfigEntries", () => {
  it("adds min.insync.replicas to the spec's configs", () => {
    expect(
      topicConfigEntries({
        topic: "t",
        partitions: 3,
        minInsyncReplicas: 2,
        configs: { "retention.ms": "1000" },
      }),
    ).toEqual([
      { name: "retention.ms", value: "1000" },
      { name: "min.insync.replicas", value: "2" },
    ]);
  });
  it("leaves the broker's defaults alone when the spec sets nothing", () => {
    expect(topicConfigEntries({ topic: "t", partitions: 3 })).toEqual([]);
  });
});
