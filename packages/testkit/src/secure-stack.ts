import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const stackScript = fileURLToPath(new URL("../../../deploy/local/stack.sh", import.meta.url));

/** A private secure-mode stack (own ports and state dir) and the client variables `stack.sh env` prints. */
export interface SecureStack {
  /** KAFKA_* and OPENSEARCH_* as an app would read them, files included (CA, *_PASSWORD_FILE). */
  env: Record<string, string>;
  state: string;
  stop(): Promise<void>;
}

/** Where the state dir goes (a new `<stateParent>/<statePrefix>XXXXXX`) and other stack.sh variables. */
export interface SecureStackOptions {
  /** Default: the OS temporary dir. */
  stateParent?: string;
  /** Default "wikistream-secure-". */
  statePrefix?: string;
  /** More WIKISTREAM_* variables for stack.sh, e.g. WIKISTREAM_KAFKA_REAUTH_MS. */
  env?: Record<string, string>;
}

/**
 * The ports a test asked for, moved into one engineer's or CI job's range: with
 * WIKISTREAM_TEST_PORT_PREFIX=41 the port 39692 becomes 41692 (the prefix replaces the thousands).
 * Unset: the ports as given. Give ports above the ephemeral range (Linux: 32768-60999): there any
 * outgoing connection may hold the port at the moment a server binds it (a secure stack failed so in CI). The secure test files each use other last three digits, and run one at
 * a time, so they never collide within one prefix.
 */
export function prefixedPorts(
  ports: Record<string, number>,
  prefix = process.env.WIKISTREAM_TEST_PORT_PREFIX,
): Record<string, number> {
  if (prefix === undefined || prefix === "") return ports;
  if (!/^[1-6]\d?$/.test(prefix) || Number(prefix) > 64) {
    throw new Error(`WIKISTREAM_TEST_PORT_PREFIX=${prefix}: expected 1-64 (ports <prefix>000-<prefix>999)`);
  }
  return Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [name, Number(prefix) * 1000 + (port % 1000)]),
  );
}

/**
 * Starts `services` of WIKISTREAM_STACK_MODE=secure on the given ports (see prefixedPorts), in a new temporary state dir
 * (so a fresh CA and fresh passwords), and returns how to reach and stop them. Never the default ports.
 */
export async function startSecureStack(
  services: readonly string[],
  ports: Record<string, number>,
  options: SecureStackOptions = {},
): Promise<SecureStack> {
  const parent = options.stateParent ?? tmpdir();
  const state = await mkdtemp(join(parent, options.statePrefix ?? "wikistream-secure-"));
  const env = {
    ...process.env,
    ...options.env,
    WIKISTREAM_STACK_MODE: "secure",
    WIKISTREAM_STATE: state,
    ...Object.fromEntries(Object.entries(prefixedPorts(ports)).map(([name, port]) => [name, String(port)])),
  };
  const stack = (...args: string[]) => run("bash", [stackScript, ...args], { env, maxBuffer: 4 << 20 });
  const stop = async () => {
    await stack("down", ...services).catch(() => undefined);
    await rm(state, { recursive: true, force: true });
  };
  try {
    await stack("up", ...services);
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    await stop();
    throw new Error(
      `stack.sh up ${services.join(" ")} (secure) failed:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`,
    );
  }
  const { stdout } = await stack("env");
  const printed = [...stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]);
  return { env: Object.fromEntries(printed), state, stop };
}
