import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * The cluster stack under test (deploy/local/stack.sh with WIKISTREAM_STACK_MODE=cluster), read from
 * the same variables and defaults as modes/cluster.sh, so `npm run test:cluster` and a developer's
 * private cluster (other ports, another state dir) are addressed alike.
 */
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const stackScript = join(repo, "deploy/local/stack.sh");
const run = promisify(execFile);

const env = process.env;
const base = (name: string, fallback: number) => Number(env[name] ?? fallback);
const kafkaPort = base("WIKISTREAM_KAFKA_PORT", 19092);
const opensearchPort = base("WIKISTREAM_OPENSEARCH_PORT", 19200);
const stateDir = env.WIKISTREAM_STATE ?? join(repo, ".state/cluster");

export type BrokerId = 1 | 2 | 3;
export type Service = `kafka${BrokerId}` | `opensearch${BrokerId}`;
export const brokerIds: readonly BrokerId[] = [1, 2, 3];

export const cluster = {
  brokers: brokerIds.map((i) => `127.0.0.1:${kafkaPort + i - 1}`),
  opensearchNodes: brokerIds.map((i) => `http://127.0.0.1:${opensearchPort + i - 1}`),
  stateDir,
} as const;

export const brokerService = (id: BrokerId): Service => `kafka${id}`;

function stackEnv(): NodeJS.ProcessEnv {
  return {
    ...env,
    WIKISTREAM_STACK_MODE: "cluster",
    WIKISTREAM_START_TIMEOUT: env.WIKISTREAM_START_TIMEOUT ?? "300",
  };
}

/** `stack.sh up|down <service>` in cluster mode; the script's own output is kept for the error. */
export async function stack(command: "up" | "down", service: Service): Promise<void> {
  try {
    await run("bash", [stackScript, command, service], { env: stackEnv(), timeout: 330_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`stack.sh ${command} ${service} failed:\n${stdout ?? ""}\n${stderr ?? ""}`.slice(-4000), {
      cause: error,
    });
  }
}

/**
 * kill -9 of the service's whole process group: the pid file holds the java pid, which is the group
 * leader (stack.sh starts every service under setsid). No shutdown hook runs, as in a power cut.
 */
export async function killHard(service: Service): Promise<number> {
  const file = join(stateDir, `${service}.pid`);
  const pid = Number((await readFile(file, "utf8")).trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`${file} holds no pid`);
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    process.kill(pid, "SIGKILL");
  }
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(pid)) throw new Error(`${service} (pid ${pid}) still alive 10 s after SIGKILL`);
  return pid;
}

/** A zombie (killed, not yet reaped by whoever adopted it) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
