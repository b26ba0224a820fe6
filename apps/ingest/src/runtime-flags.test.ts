import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileCacheFromApp } from "../../../scripts/compile-cache.ts";
import { nodeFlags } from "./runtime-flags.ts";

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");
const scripts = (JSON.parse(read("apps/ingest/package.json")) as { scripts: Record<string, string> }).scripts;
const nodeCommand = `NODE_COMPILE_CACHE=${compileCacheFromApp} node ${nodeFlags.join(" ")} `;
const nodeArray = JSON.stringify(["node", ...nodeFlags, "apps/ingest/src/main.ts"]).replaceAll(",", ", ");

describe("nodeFlags", () => {
  it("are the flags of every node script of the package that starts ingest", () => {
    const starts = Object.entries(scripts).filter(([, command]) =>
      /^(NODE_COMPILE_CACHE=\S+ )?node .*src\/main\.ts$/.test(command),
    );
    expect(starts.map(([name]) => name).sort()).toEqual(["dev", "start"]);
    for (const [name, command] of starts) expect(command, name).toContain(nodeCommand);
  });

  it.each([
    ["deploy/docker/Dockerfile", `CMD ${nodeArray}`],
    ["docker-compose.yml", `command: ${nodeArray}`],
    ["deploy/k8s/base/ingest.yaml", `command: ${nodeArray}`],
  ])("are in the node command of %s", (file, line) => {
    expect(read(file)).toContain(line);
  });
});
