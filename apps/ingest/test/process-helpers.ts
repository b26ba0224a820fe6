import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { waitFor } from "@wikistream/testkit";
import { streamUrlOf, type TestTopics } from "./harness.ts";
import { brokers } from "./kafka-helpers.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));

// The same source runs on both runtimes; only src/runtime/ differs.
export const runtimes = {
  node: ["node", ["src/main.ts"]],
  deno: ["deno", ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-sys", "src/main.ts"]],
} as const;
export type RuntimeName = keyof typeof runtimes;

export async function getJson(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await (await fetch(url)).json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The variables of an ingest process reading `replay` into `topics`, both streams; `extra` over them. */
export function processEnv(
  replay: { url: string },
  topics: TestTopics,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    INGEST_STREAM_URL: streamUrlOf(replay),
    INGEST_STREAMS: "recentchange,page_change",
    INGEST_TOPIC_PREFIX: topics.prefix,
    INGEST_DLQ_TOPIC: topics.dlqTopic,
    ...extra,
  };
}

export interface IngestProcess {
  child: ChildProcess;
  /** The HTTP port the process listens on (0 until its "http listening" line was read). */
  readonly port: number;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  output: () => string;
  /** The last /status answer, polled every 100 ms. */
  status: () => Record<string, unknown> | undefined;
  published: () => number;
  waitForPublished: (count: number, timeoutMs: number) => Promise<void>;
}

/** Runs `src/main.ts` as its own process (what `kill -9` needs), with the given variables. */
export function spawnIngest(runtime: RuntimeName, env: Record<string, string>): IngestProcess {
  // Port 0: the process picks a free port and logs it; a random fixed port could collide (EADDRINUSE).
  let port = 0;
  const [command, args] = runtimes[runtime];
  let output = "";
  let status: Record<string, unknown> | undefined;
  const child = spawn(command, args, {
    cwd: appDir,
    env: { ...process.env, KAFKA_BROKERS: brokers.join(","), INGEST_HTTP_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
    if (port === 0) {
      const listening = /"msg":"http listening"[^\n]*"url":"http:\/\/[^:"]+:(\d+)"/.exec(output);
      if (listening) port = Number(listening[1]);
    }
  });
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const poll = setInterval(() => {
    if (port === 0) return;
    void getJson(`http://127.0.0.1:${port}/status`).then((s) => (status = s ?? status));
  }, 100);
  void exited.finally(() => clearInterval(poll));
  const published = () => (status?.counts as { published?: number } | undefined)?.published ?? 0;
  return {
    child,
    get port() {
      return port;
    },
    exited,
    output: () => output,
    status: () => status,
    published,
    waitForPublished: (count, timeoutMs) =>
      waitFor(`ingest on ${runtime} to publish ${count} events`, () => published() >= count, timeoutMs).catch(
        (error: unknown) => {
          throw new Error(`${(error as Error).message}\n--- process output ---\n${output.slice(-3000)}`);
        },
      ),
  };
}
