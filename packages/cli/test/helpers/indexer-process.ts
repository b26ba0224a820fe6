import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "@wikistream/testkit";
import { brokers, type CliNames, opensearchUrl } from "./services.ts";

const mainTs = fileURLToPath(new URL("../../../../apps/indexer/src/main.ts", import.meta.url));
const bunBin = fileURLToPath(new URL("../../../../node_modules/.bin/bun", import.meta.url));
/** Node by default, as production runs it; CLI_TEST_INDEXER_RUNTIME=bun runs the same source on Bun. */
const runtime = process.env.CLI_TEST_INDEXER_RUNTIME === "bun" ? bunBin : process.execPath;

/** The real indexer (`apps/indexer/src/main.ts`) as its own process, configured for the run's names. */
export class IndexerProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly #output: string[] = [];

  constructor(names: CliNames, env: Record<string, string> = {}) {
    this.#child = spawn(runtime, [mainTs], {
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers.join(","),
        OPENSEARCH_URL: opensearchUrl,
        INDEXER_GROUP_ID: names.groupId,
        INDEXER_TOPICS: `${names.topics.recentchange},${names.topics.pageChange}`,
        INDEXER_TOPIC_PREFIX: names.topicPrefix,
        INDEXER_DLQ_TOPIC: names.dlqTopic,
        INDEXER_INDEX_PREFIX: names.indexPrefix,
        INDEXER_INDEX_REPLICAS: "0",
        // The recordings reach back to 2020: older than the live default's horizon.
        INDEXER_EVENT_MAX_AGE_DAYS: "36600",
        INDEXER_SESSION_TIMEOUT_MS: "10000",
        INDEXER_COMMIT_INTERVAL_MS: "200",
        INDEXER_RETRY_MAX_MS: "2000",
        INDEXER_HTTP_PORT: "0",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: string) => {
      this.#output.push(chunk);
      if (process.env.CLI_TEST_LOG) process.stderr.write(`[indexer] ${chunk}`);
    };
    this.#child.stdout!.setEncoding("utf8").on("data", keep);
    this.#child.stderr!.setEncoding("utf8").on("data", keep);
    this.#exited = new Promise((resolve) => this.#child.once("exit", (code) => resolve(code)));
  }

  /** The last lines it wrote, for an assertion message. */
  get output(): string {
    return this.#output.join("").split("\n").slice(-20).join("\n");
  }

  /** Waits for `check`, failing at once (with its last output) if the indexer exits meanwhile. */
  async until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const died = this.#exited.then((code) => {
      throw new Error(`the indexer exited with ${code} while waiting for ${what}:\n${this.output}`);
    });
    await Promise.race([waitFor(what, check, timeoutMs, 250), died]);
  }

  async stop(): Promise<number | null> {
    if (this.#child.exitCode !== null) return this.#child.exitCode;
    this.#child.kill("SIGTERM");
    return this.#exited;
  }
}
