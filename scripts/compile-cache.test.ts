import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  appNames,
  compileCacheEntries,
  compileCacheEnv,
  loadApp,
  warmCompileCache,
} from "./compile-cache.ts";

const dir = mkdtempSync(join(tmpdir(), "wikistream-compile-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How an app's TypeScript modules were loaded, from Node's own compile-cache trace. */
function typeScriptLoads(name: (typeof appNames)[number]) {
  const variable = name === "ingest" ? "INGEST_LOG_LEVEL" : "INDEXER_LOG_LEVEL";
  const result = loadApp(name, {
    ...compileCacheEnv(dir),
    NODE_DEBUG_NATIVE: "COMPILE_CACHE",
    [variable]: "x",
  });
  const lines = `${result.stdout}${result.stderr}`.split("\n");
  return {
    status: result.status,
    fromCache: lines.filter((l) => l.includes("retrieving transpile cache for StrippedTypeScript")).length,
    stripped: lines.filter((l) => l.includes("no transpile cache for StrippedTypeScript")).length,
  };
}

describe("the apps' compile cache", () => {
  it("is empty at first: every TypeScript module of an app is stripped when it loads", () => {
    const cold = typeScriptLoads("indexer");
    expect(cold.status).toBe(1);
    expect(cold.stripped).toBeGreaterThan(50);
  });

  it("once filled, serves every module of both apps: nothing is stripped again, amaro never loads", () => {
    warmCompileCache(appNames, dir);
    expect(compileCacheEntries(dir)).toBeGreaterThan(500);
    for (const name of appNames) {
      const warm = typeScriptLoads(name);
      expect(warm.status, name).toBe(1);
      expect(warm.stripped, name).toBe(0);
      expect(warm.fromCache, name).toBeGreaterThan(50);
    }
  });
});
