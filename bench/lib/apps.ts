/** The apps' `src/main.ts` spawned as in production, on Node or Bun, with a free HTTP port. */
import { type ChildProcess, spawn } from "node:child_process";
import { nodeFlags as indexerFlags } from "../../apps/indexer/src/runtime-flags.ts";
import { nodeFlags as ingestFlags } from "../../apps/ingest/src/runtime-flags.ts";
import { freePort } from "./ports.ts";
import { bunBin, repoRoot } from "./stack.ts";

export { freePort } from "./ports.ts";

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly exited: Promise<number | null>;
  /** The last 8 KB of stdout and stderr, for error messages. */
  output(): string;
  getJson(path: string): Promise<unknown>;
  getText(path: string): Promise<string>;
  ready(): Promise<boolean>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. Resolves with the exit code. */
  terminate(graceMs?: number): Promise<number | null>;
}

/** Starts an app's `src/main.ts` (`apps/<app>`) on node or bun with its HTTP port set. */
export async function spawnApp(
  app: "ingest" | "indexer",
  runtime: "node" | "bun",
  env: Record<string, string>,
): Promise<AppProcess> {
  const port = await freePort();
  const portVariable = app === "ingest" ? "INGEST_HTTP_PORT" : "INDEXER_HTTP_PORT";
  const command = runtime === "node" ? process.execPath : bunBin;
  // The V8 flags each app's package starts it with on Node (bun ignores them).
  const flags = runtime === "node" ? (app === "indexer" ? indexerFlags : ingestFlags) : [];
  const child = spawn(command, [...flags, `${repoRoot}apps/${app}/src/main.ts`], {
    cwd: `${repoRoot}apps/${app}`,
    env: { ...process.env, ...env, [portVariable]: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${app} on ${runtime} did not start`);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8192);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  return {
    name: `${app} (${runtime})`,
    child,
    pid: child.pid,
    port,
    exited,
    output: () => output,
    getJson: async (path) => (await fetch(`${base}${path}`)).json(),
    getText: async (path) => (await fetch(`${base}${path}`)).text(),
    ready: async () => {
      try {
        return (await fetch(`${base}/readyz`)).status === 200;
      } catch {
        return false; // not listening yet: not ready
      }
    },
    async terminate(graceMs = 40_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
