import { describe, expect, it } from "vitest";
import { prefixedPorts, sampleSum, uniqueNames, waitFor } from "./index.ts";

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

describe("prefixedPorts", () => {
  const ports = { WIKISTREAM_KAFKA_PORT: 39692, WIKISTREAM_OPENSEARCH_PORT: 62192 };
  it("moves each port into the prefix's thousand, keeping the last three digits", () => {
    expect(prefixedPorts(ports, "41")).toEqual({
      WIKISTREAM_KAFKA_PORT: 41692,
      WIKISTREAM_OPENSEARCH_PORT: 41192,
    });
  });
  it("leaves the ports as given without a prefix, and refuses one that is not a port range", () => {
    expect(prefixedPorts(ports, undefined)).toEqual(ports);
    expect(prefixedPorts(ports, "")).toEqual(ports);
    expect(() => prefixedPorts(ports, "70")).toThrow(/WIKISTREAM_TEST_PORT_PREFIX=70: expected 1-64/);
    expect(() => prefixedPorts(ports, "4a")).toThrow(/WIKISTREAM_TEST_PORT_PREFIX/);
  });
});
