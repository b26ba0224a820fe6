import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const mainTs = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
export const bunBin = fileURLToPath(new URL("../../../../node_modules/.bin/bun", import.meta.url));

export interface IndexerProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the HTTP port once the server listens. */
  port(): Promise<number>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  kill9(): void;
  /** SIGTERM, then wait for the exit; resolves with the exit code. */
  terminate(): Promise<number | null>;
  fetchJson(path: string): Promise<unknown>;
  metrics(): Promise<string>;
}

/** Starts `src/main.ts` as its own process (node or bun), as it runs in production. */
export function spawnIndexer(
  name: string,
  env: Record<string, string>,
  runtime: "node" | "bun" = "node",
): IndexerProcess {
  const command = runtime === "node" ? process.execPath : bunBin;
  const child = spawn(command, [mainTs], {
    env: { ...process.env, INDEXER_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let portWaiters: ((port: number) => void)[] = [];
  let port: number | undefined;
  let buffer = "";
  const echo = process.env.INDEXER_TEST_LOG !== undefined;
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
      if (echo) process.stderr.write(`[${name}] ${line}\n`);
      try {
        const record = JSON.parse(line) as Record<string, unknown>;
        logs.push(record);
        if (record.msg === "http listening" && typeof record.url === "string") {
          port = Number(new URL(record.url).port);
          for (const resolve of portWaiters) resolve(port);
          portWaiters = [];
        }
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    if (echo) process.stderr.write(`[${name} stderr] ${chunk}`);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const self: IndexerProcess = {
    child,
    name,
    logs,
    port: () =>
      port !== undefined
        ? Promise.resolve(port)
        : new Promise<number>((resolve, reject) => {
            portWaiters.push(resolve);
            void exited.then((code) => reject(new Error(`${name} exited with ${code} before listening`)));
          }),
    exited,
    kill9: () => child.kill("SIGKILL"),
    async terminate() {
      child.kill("SIGTERM");
      return exited;
    },
    async fetchJson(path) {
      const response = await fetch(`http://127.0.0.1:${await self.port()}${path}`);
      return response.json();
    },
    async metrics() {
      const response = await fetch(`http://127.0.0.1:${await self.port()}/metrics`);
      return response.text();
    },
  };
  return self;
}
