import { describe, expect, it } from "vitest";
import { buildInfo, runtimeOf } from "./build-info.ts";

describe("runtimeOf", () => {
  it("tells Deno and Bun apart from Node, though both provide process", () => {
    const process = { versions: { node: "24.11.0" } };
    expect(runtimeOf({ Deno: { version: { deno: "2.9.6" } }, process })).toEqual({
      runtime: "deno",
      runtimeVersion: "2.9.6",
    });
    expect(runtimeOf({ Bun: { version: "1.4.5" }, process })).toEqual({
      runtime: "bun",
      runtimeVersion: "1.4.5",
    });
    expect(runtimeOf({ process })).toEqual({ runtime: "node", runtimeVersion: "24.11.0" });
    expect(runtimeOf({})).toEqual({ runtime: "node", runtimeVersion: "unknown" });
  });

  it("defaults to the runtime running the tests", () => {
    expect(runtimeOf()).toEqual({ runtime: "node", runtimeVersion: process.versions.node });
  });
});

describe("buildInfo", () => {
  it("takes the revision as given, trimmed", () => {
    expect(buildInfo({ version: "0.1.0", revision: " 0123abc\n" })).toMatchObject({
      version: "0.1.0",
      revision: "0123abc",
      runtime: "node",
    });
  });

  it("says unknown when there is no revision", () => {
    expect(buildInfo({ version: "0.1.0" }).revision).toBe("unknown");
    expect(buildInfo({ version: "0.1.0", revision: "  " }).revision).toBe("unknown");
  });
});
