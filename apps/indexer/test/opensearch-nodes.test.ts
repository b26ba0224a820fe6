import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sampleSum } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opensearchUrl } from "./helpers/clients.ts";
import { testEnv } from "./helpers/indexer-env.ts";
import { uniqueNames } from "./helpers/names.ts";
import { loadRealEvents } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// OPENSEARCH_URL lists several nodes (issue 9): the client spreads requests over them, marks a node
// that refuses connections dead and pings it again later. Dead nodes are on the discard port (9) of
// loopback addresses: nothing listens there, and no test stack's port is touched.
const deadNode = "http://127.0.0.1:9";
const otherDeadNode = "http://127.0.0.2:9";

const sandbox = createSandbox();
const events = loadRealEvents();

beforeAll(() => sandbox.setUp(events), 60_000);
afterAll(() => sandbox.tearDown(), 60_000);

describe("OPENSEARCH_URL with several nodes", () => {
  it("a dead node listed first: the indexer starts and indexes every event exactly once through the live one", async () => {
    const t0 = Date.now();
    const indexer = sandbox.spawnIndexer("two-nodes", {
      env: { OPENSEARCH_URL: `${deadNode},${opensearchUrl}`, INDEXER_RETRY_INITIAL_MS: "100" },
    });
    await sandbox.waitUntilCommitted(120_000, "every event committed with a dead node in the list");
    const seconds = (Date.now() - t0) / 1000;
    const metrics = await indexer.metrics();
    const running = indexer.logs.find((line) => line.msg === "indexer running");
    const figures = {
      comparison: await sandbox.compareIndex(events),
      deadLettered: sampleSum(metrics, "wikistream_indexer_documents_total", { result: "dead_lettered" }),
      // The first request went to the dead node: it failed once, was waited out, and the rest went on.
      templateFailures: sampleSum(metrics, "wikistream_indexer_errors_total", {
        code: "index_template_failed",
      }),
    };
    console.log(`two nodes, one dead: ${events.length} events in ${seconds} s, ${JSON.stringify(figures)}`);
    expect(figures).toMatchObject({
      comparison: { documents: events.length, missing: [], duplicated: [], unexpected: [] },
      deadLettered: 0,
    });
    expect(figures.templateFailures).toBeGreaterThan(0);
    expect(running?.opensearch).toBe(`${deadNode},${opensearchUrl}`);
    expect(await indexer.terminate()).toBe(0);
  }, 180_000);

  it("every listed node down: exit 1 with the usual 'cannot reach' line naming all of them", async () => {
    const t0 = Date.now();
    const env = testEnv(uniqueNames(), {
      OPENSEARCH_URL: `${deadNode}, ${otherDeadNode}`,
      INDEXER_STARTUP_TIMEOUT_MS: "3000",
      INDEXER_RETRY_INITIAL_MS: "100",
      INDEXER_RETRY_MAX_MS: "500",
    });
    const { code, stderr } = await runToExit(env, 60_000);
    const line = stderr.find((l) => l.startsWith("indexer: "));
    console.log(`all nodes down: exit ${code} after ${Date.now() - t0} ms: ${line}`);
    expect(code).toBe(1);
    expect(line).toMatch(
      /^indexer: cannot reach OpenSearch at http:\/\/127\.0\.0\.1:9,http:\/\/127\.0\.0\.2:9 \(OPENSEARCH_URL\): .*point OPENSEARCH_URL at a running cluster.*INDEXER_STARTUP_TIMEOUT_MS/,
    );
  }, 90_000);
});

const mainTs = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/** src/main.ts run to its end: the exit code and the stderr lines (where start-up failures go). */
async function runToExit(env: Record<string, string>, timeoutMs: number) {
  const child = spawn(process.execPath, [mainTs], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, stderr: stderr.split("\n") };
}
