/**
 * Benchmark children: a script in bench/children/ run in a process of its own (so that its memory and
 * CPU are measured alone), configured by one JSON argument, answering with one BENCH_RESULT line.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const childrenDir = new URL("../children/", import.meta.url);

/**
 * Loads every child's modules once into Node's compile cache (NODE_COMPILE_CACHE, set by the runner),
 * so that no measured child pays for stripping TypeScript types (~17 MB of RSS for amaro, SWC's
 * WebAssembly build). An argument that is not JSON makes a child fail at its first line, after its
 * imports loaded and before it connects to anything.
 */
export function fillChildrenCompileCache(): void {
  for (const file of readdirSync(childrenDir).filter((name) => name.endsWith(".ts"))) {
    const script = new URL(file, childrenDir).pathname;
    const result = spawnSync(process.execPath, [script, "not-json"], { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 1 || !result.stderr.includes("SyntaxError")) {
      throw new Error(
        `filling the compile cache: ${file} ended with ${result.status}: ${result.stderr.slice(-500)}`,
      );
    }
  }
}

/** The line a child benchmark prints last; the runner parses it. */
export const RESULT_PREFIX = "BENCH_RESULT ";

/** Prints a child's result line. */
export function printResult(result: Record<string, unknown>): void {
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

/**
 * Runs `script` (a path) with `options` as its argument; SIGKILL after `timeoutMs`. `nodeOptions`:
 * NODE_OPTIONS for that child alone (V8 flags), in place of any the runner has.
 */
export async function runChild(
  script: string,
  options: object,
  timeoutMs: number,
  nodeOptions?: string,
): Promise<Record<string, unknown>> {
  const env = nodeOptions ? { ...process.env, NODE_OPTIONS: nodeOptions } : process.env;
  const child = spawn(process.execPath, [script, JSON.stringify(options)], {
    stdio: ["ignore", "pipe", "inherit"],
    env,
  });
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`${script} exited with ${code} without a result:\n${stdout}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
}
