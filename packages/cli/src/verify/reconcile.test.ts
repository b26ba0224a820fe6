import { describe, expect, it } from "vitest";
import { metricsText } from "./metrics-file.ts";
import { reconcile } from "./reconcile.ts";

const partition = (n: number, ids: string[]) => ({
  topic: "t",
  partition: n,
  from: "0",
  to: String(ids.length + 1),
  records: ids.length + 1,
  withoutId: 1,
  ids: new Set(ids),
});

describe("reconcile", () => {
  it("matches when every id has exactly one document or a dead letter", () => {
    const result = reconcile(
      [partition(0, ["a", "b"]), partition(1, ["c"])],
      new Map([
        ["a", 1],
        ["c", 1],
      ]),
      new Set(["b"]),
    );
    expect(result.outcome).toBe("match");
    expect(result.partitions[0]).toMatchObject({
      ids: 2,
      documents: 1,
      deadLettered: 1,
      missing: [],
      unexpected: [],
    });
  });
  it("reports missing ids and ids with two documents per partition as a mismatch", () => {
    const result = reconcile(
      [partition(0, ["a"]), partition(1, ["c", "d"])],
      new Map([
        ["a", 2],
        ["c", 1],
      ]),
      new Set(),
    );
    expect(result.outcome).toBe("mismatch");
    expect(result.partitions.map((p) => [p.missing, p.unexpected])).toEqual([
      [[], ["a"]],
      [["d"], []],
    ]);
  });
});

describe("metricsText", () => {
  it("writes one gauge per partition and the run's outcome, in the Prometheus text format", () => {
    const { outcome, partitions } = reconcile([partition(0, ["a"])], new Map(), new Set());
    const text = metricsText({ outcome, partitions, finishedMs: 1_700_000_000_500, durationMs: 1500 });
    expect(text).toContain('wikistream_verify_missing_documents{topic="t",partition="0"} 1\n');
    expect(text).toContain("wikistream_verify_last_success 0\n");
    expect(text).toContain("wikistream_verify_last_run_timestamp_seconds 1700000000\n");
    expect(text).toContain("# TYPE wikistream_verify_records gauge\n");
  });
});
