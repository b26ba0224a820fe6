import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The absolute path of an executable found on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Runs a command to completion; `output` is stdout and stderr together, for assertion messages. */
export function run(command: string, args: readonly string[], cwd: string): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 60_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`;
  return { ok: result.status === 0, output: `$ ${command} ${args.join(" ")}\n${output}` };
}

// promtool and prometheus come from the Debian package `prometheus`, amtool from
// `prometheus-alertmanager`, docker-compose (which validates docker-compose.yml; no Docker engine is
// needed for that) from `docker-compose`: CI must have them all.
export const tools = {
  promtool: which("promtool"),
  prometheus: which("prometheus"),
  amtool: which("amtool"),
  compose: which("docker-compose"),
};
export type Tool = keyof typeof tools;
export const toolPackages: Record<Tool, string> = {
  promtool: "prometheus",
  prometheus: "prometheus",
  amtool: "prometheus-alertmanager",
  compose: "docker-compose",
};
export const requiredInCi = [
  "promtool",
  "prometheus",
  "amtool",
  "compose",
] as const satisfies readonly Tool[];
export const ci = Boolean(process.env.CI);

/** One warning per missing tool whose checks `file` skips (in CI the required ones fail instead). */
export function warnMissingTools(file: string, used: readonly Tool[]): void {
  for (const tool of used) {
    if (tools[tool] === undefined && !(ci && requiredInCi.some((name) => name === tool))) {
      console.warn(
        `${file}: skipping ${tool} checks (not installed: apt-get install -y ${toolPackages[tool]})`,
      );
    }
  }
}
