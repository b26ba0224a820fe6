import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// packages/replay/src/ → repository root; computed from this file so it holds for any working directory.
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The folder with the real Wikimedia recordings. They stay outside the repository (licences and size),
 * so tests read them in place: `$WIKISTREAM_SHARED_DATA`, else `<repo root>/../shared/data/wikimedia`.
 */
export function sharedDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env.WIKISTREAM_SHARED_DATA;
  if (fromEnv !== undefined && fromEnv !== "") return resolve(fromEnv);
  return resolve(repoRoot, "..", "shared", "data", "wikimedia");
}

/** Absolute path of one recording in the shared folder, e.g. `recordingPath("recentchange-raw-2022-12.sse")`. */
export function recordingPath(name: string, env?: Readonly<Record<string, string | undefined>>): string {
  return join(sharedDataDir(env), name);
}

/** The recordings of real traffic described in SOURCES.md, with their event counts. */
export const REAL_RECORDINGS = {
  "recentchange-raw-2022-12.sse": 3,
  "recentchange-enwiki-2023-07.ndjson": 100,
  "recentchange-assorted.ndjson": 37,
  "page-change-raw-2026-09-part1.sse": 47,
} as const satisfies Record<string, number>;

/** Hand-written schema examples: real shapes, but not traffic, so left out unless asked for. */
export const SCHEMA_EXAMPLES = "schema-examples.ndjson";
