import { describe, expect, it } from "vitest";
import { sampleSum, uniqueNames, waitFor } from "./index.ts";

describe("waitFor", () => {
  it("resolves once the check holds", async () => {
    let calls = 0;
    await waitFor("the third call", () => ++calls >= 3, 1_000, 1);
    expect(calls).toBe(3);
  });
  it("names what it waited for and the last error", async () => {
    const failing = waitFor(
      "a broker",
      () => {
        throw new Error("ECONNREFUSED");
      },
      30,
      5,
    );
    await expect(failing).rejects.toThrow(/waiting for a broker \(last error: Error: ECONNREFUSED\)/);
  });
});

describe("sampleSum", () => {
  it("adds the samples whose labels match", () => {
    const text = 'x_total{code="a",app="i"} 2\nx_total{code="b",app="i"} 3\nx_total_other 9\n';
    expect(sampleSum(text, "x_total")).toBe(5);
    expect(sampleSum(text, "x_total", { code: "b" })).toBe(3);
  });
});

describe("uniqueNames", () => {
  it("gives every run its own names under the tag", () => {
    const a = uniqueNames("wst");
    expect(a.topics.recentchange).toBe(`wst-${a.id}.mediawiki.recentchange`);
    expect(uniqueNames("wst").id).not.toBe(a.id);
  });
});
