import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

export interface Spawned {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines the process printed, for failure messages. */
  output(): string;
}

/** Starts a long-running process; stdout and stderr are kept (the last 20 kB) for diagnostics. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Spawned {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("error", (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));
  return { name, child, output: () => `--- ${name} output ---\n${output}` };
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stopProcess(spawned: Spawned, graceMs = 10_000): Promise<void> {
  const { child } = spawned;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** The processes that have already exited, as "name (exit code)". */
export function exited(processes: readonly Spawned[]): string[] {
  return processes
    .filter(({ child }) => child.exitCode !== null || child.signalCode !== null)
    .map(({ name, child }) => `${name} (exit ${child.exitCode ?? child.signalCode})`);
}

/**
 * Polls `check` until it returns true. Fails at the timeout, or at once when one of `processes` has
 * exited; the error names `what` and includes the processes' output.
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; what: string; processes: readonly Spawned[] },
): Promise<void> {
  const { timeoutMs, what, processes } = options;
  const fail = (reason: string) =>
    new Error(`${reason} waiting for ${what}\n${processes.map((p) => p.output()).join("\n")}`);
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    const gone = exited(processes);
    if (gone.length > 0) throw fail(`${gone.join(", ")} exited`);
    if (Date.now() > deadline) throw fail(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
