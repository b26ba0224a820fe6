/**
 * Node's module compile cache for the apps (NODE_COMPILE_CACHE). Node 24 strips the TypeScript types
 * of every module it loads with a WebAssembly build of SWC (amaro); with the cache, a module it has
 * seen before is loaded from its stored JavaScript and V8 code cache, and amaro is never loaded. The
 * indexer idles at ~99 MB RSS instead of ~122 and starts with ~0.2 CPU-s less
 * (bench/results/2026-12-02-2core-compile-cache.md). Node checks each entry against the source's
 * hash, so an edited file is compiled again, never served stale; a cache it cannot read or write is
 * ignored without a message. Entries live under a directory per Node version and user id.
 *
 *   node scripts/compile-cache.ts      fills the cache for both apps (the Dockerfile runs it)
 *
 * Fill it by running each app's src/main.ts with an invalid log level: every module the app imports
 * is loaded (and stored at exit), then the configuration check refuses the value and the process exits
 * 1 before it connects to anything.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { nodeFlags as indexerFlags } from "../apps/indexer/src/runtime-flags.ts";
import { nodeFlags as ingestFlags } from "../apps/ingest/src/runtime-flags.ts";

const root = resolve(import.meta.dirname, "..");

/** Where the apps keep it: under node_modules, so a clean install starts empty and git ignores it. */
export const compileCacheDir = resolve(root, "node_modules/.cache/wikistream-node-compile");

/** The same directory as the apps' package.json scripts write it (their cwd is apps/<app>). */
export const compileCacheFromApp = "../../node_modules/.cache/wikistream-node-compile";

export const compileCacheEnv = (dir = compileCacheDir): Record<string, string> => ({
  NODE_COMPILE_CACHE: dir,
});

const apps = {
  ingest: { flags: ingestFlags, variable: "INGEST_LOG_LEVEL" },
  indexer: { flags: indexerFlags, variable: "INDEXER_LOG_LEVEL" },
} as const;

export type AppName = keyof typeof apps;
export const appNames = Object.keys(apps) as AppName[];

/** An app's src/main.ts on Node with its package's V8 flags and `env` over this process's. */
export function loadApp(name: AppName, env: Record<string, string>) {
  return spawnSync(process.execPath, [...apps[name].flags, "src/main.ts"], {
    cwd: resolve(root, "apps", name),
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
    // Room for Node's own trace (NODE_DEBUG_NATIVE=COMPILE_CACHE prints a line per module).
    maxBuffer: 64 * 1_048_576,
  });
}

/** Entries the cache holds for this Node and user (0 when it does not exist yet). */
export function compileCacheEntries(dir = compileCacheDir): number {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .reduce((sum, version) => sum + readdirSync(resolve(dir, version.name)).length, 0);
  } catch {
    return 0;
  }
}

/**
 * Loads each app's modules once with the cache on, so that the next start reads them from it. Throws
 * if an app did not end the way the fill expects (exit 1 naming the log-level variable): a changed
 * configuration check must not leave the cache silently empty, nor an app running.
 */
export function warmCompileCache(names: readonly AppName[] = appNames, dir = compileCacheDir): void {
  for (const name of names) {
    const { variable } = apps[name];
    const result = loadApp(name, { ...compileCacheEnv(dir), [variable]: "fill-compile-cache" });
    if (result.status !== 1 || !result.stderr.includes(variable)) {
      throw new Error(
        `filling the compile cache: ${name} was expected to exit 1 on ${variable}=fill-compile-cache, ` +
          `it ended with ${result.status ?? result.signal ?? result.error?.message}: ${result.stderr.slice(-500)}`,
      );
    }
  }
}

if (import.meta.main) {
  const started = performance.now();
  warmCompileCache();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`compile cache: ${compileCacheEntries()} modules in ${compileCacheDir} (${seconds} s)`);
}
