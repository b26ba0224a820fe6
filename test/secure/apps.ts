import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Spawned } from "../monitoring/processes.ts";

const apps = fileURLToPath(new URL("../../apps/", import.meta.url));

/** A running app whose every output line is kept (the secrets check reads all of them, not a tail). */
export interface LoggedApp extends Spawned {
  readonly lines: string[];
  readonly port: number;
  /** GET one of the ops endpoints; the answer is kept in `answers` for the secrets check. */
  get(path: "/status" | "/metrics" | "/healthz" | "/readyz"): Promise<{ status: number; body: string }>;
  readonly answers: string[];
}

/** `node src/main.ts` of one app, on `port`, with `env` on top of this process's environment. */
export function startLoggedApp(
  app: "ingest" | "indexer",
  port: number,
  env: Record<string, string>,
): LoggedApp {
  const child = spawn("node", ["src/main.ts"], {
    cwd: `${apps}${app}`,
    env: { ...process.env, ...env, [`${app.toUpperCase()}_HTTP_PORT`]: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const answers: string[] = [];
  let partial = "";
  const keep = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("exit", () => partial && lines.push(partial));
  child.on("error", (error) => lines.push(`spawn error: ${error.message}`));
  return {
    name: app,
    child,
    lines,
    port,
    answers,
    output: () => `--- ${app} output (last 60 of ${lines.length} lines) ---\n${lines.slice(-60).join("\n")}`,
    async get(path) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      const body = await response.text();
      answers.push(`${path} ${response.status}\n${[...response.headers].join("\n")}\n${body}`);
      return { status: response.status, body };
    },
  };
}

/** Exit code and output of an app run that is expected to end by itself (e.g. refused at start). */
export async function runToExit(
  app: "ingest" | "indexer",
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; lines: string[] }> {
  const started = startLoggedApp(app, 0, env);
  const timer = setTimeout(() => started.child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => started.child.on("exit", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, lines: started.lines };
}

/** The secret itself and the forms it travels in: `user:password` in basic auth and SASL PLAIN, base64. */
export function secretForms(user: string, password: string): string[] {
  const pair = `${user}:${password}`;
  return [
    password,
    pair,
    Buffer.from(pair).toString("base64"),
    Buffer.from(password).toString("base64"),
    Buffer.from(`\0${user}\0${password}`).toString("base64"),
    encodeURIComponent(password),
  ];
}

/** Every text that contains one of `secrets`, cut around the hit (never the whole secret shown). */
export function leaks(texts: readonly string[], secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const secret of secrets) {
      const at = text.indexOf(secret);
      if (at >= 0) found.push(`${text.slice(Math.max(0, at - 80), at)}<secret>`);
    }
  }
  return found;
}
