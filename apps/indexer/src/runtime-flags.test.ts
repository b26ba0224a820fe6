import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileCacheFromApp } from "../../../scripts/compile-cache.ts";
import { nodeFlags } from "./runtime-flags.ts";

const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  scripts: Record<string, string>;
};

describe("nodeFlags", () => {
  it("are the flags of every node script of the package that starts the indexer", () => {
    const starts = Object.entries(packageJson.scripts).filter(([, command]) =>
      /^(NODE_COMPILE_CACHE=\S+ )?node .*src\/main\.ts$/.test(command),
    );
    expect(starts.map(([name]) => name).sort()).toEqual(["dev", "start"]);
    for (const [name, command] of starts) {
      expect(command, name).toContain(
        `NODE_COMPILE_CACHE=${compileCacheFromApp} node ${nodeFlags.join(" ")} `,
      );
    }
  });
});
