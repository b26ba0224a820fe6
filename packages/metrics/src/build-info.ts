import { Gauge, type Registry } from "prom-client";

export type RuntimeName = "node" | "bun" | "deno";

/** What `wikistream_build_info` says about a process: which code, built from where, run by what. */
export interface BuildInfo {
  /** The app's package.json version. */
  readonly version: string;
  /** The commit the image was built from (WIKISTREAM_REVISION), or "unknown". */
  readonly revision: string;
  readonly runtime: RuntimeName;
  /** The runtime's own version (Deno.version.deno, Bun.version, process.versions.node). */
  readonly runtimeVersion: string;
}

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  process?: { versions?: { node?: string } };
}

/**
 * The runtime a global object belongs to, checked in the order @wikistream/runtime's detectRuntime
 * uses: Deno and Bun both provide a Node-compatible `process`, so `process` alone means Node.
 */
export function runtimeOf(globals: RuntimeGlobals = globalThis as RuntimeGlobals): {
  runtime: RuntimeName;
  runtimeVersion: string;
} {
  if (globals.Deno) return { runtime: "deno", runtimeVersion: globals.Deno.version?.deno ?? "unknown" };
  if (globals.Bun) return { runtime: "bun", runtimeVersion: globals.Bun.version ?? "unknown" };
  return { runtime: "node", runtimeVersion: globals.process?.versions?.node ?? "unknown" };
}

/**
 * The build info of this process. A missing or blank revision is "unknown": the image build sets
 * WIKISTREAM_REVISION; a process started from a checkout does not run git to find it (a child process
 * at start-up, and Deno would need --allow-run).
 */
export function buildInfo(options: { version: string; revision?: string | undefined }): BuildInfo {
  const revision = options.revision?.trim();
  return { version: options.version, revision: revision ? revision : "unknown", ...runtimeOf() };
}

/**
 * `wikistream_build_info{version,revision,runtime,runtime_version} 1`, the usual info-metric shape:
 * join on it (`* on (instance) group_left (version) wikistream_build_info`) to label other series.
 */
export function registerBuildInfo(registry: Registry, info: BuildInfo): void {
  new Gauge({
    name: "wikistream_build_info",
    help: "Always 1; the labels say which build runs: version (package.json), revision (commit, or unknown), runtime (node, bun, deno) and runtime_version.",
    labelNames: ["version", "revision", "runtime", "runtime_version"],
    registers: [registry],
  }).set(
    {
      version: info.version,
      revision: info.revision,
      runtime: info.runtime,
      runtime_version: info.runtimeVersion,
    },
    1,
  );
}
