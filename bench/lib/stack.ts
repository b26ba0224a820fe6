/**
 * Where the stack is and the clients the runner uses. KAFKA_BROKERS and OPENSEARCH_URL point every
 * part (and every process it spawns) at another stack; the defaults are the local stack's ports.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Client } from "@opensearch-project/opensearch";
import { createOpenSearch, parseOpenSearchUrls } from "@wikistream/opensearch";
import { waitFor } from "@wikistream/testkit";

export { benchKafka, brokers } from "./kafka.ts";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const nodes = parseOpenSearchUrls(process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200");
if (!nodes.ok) throw new Error(`OPENSEARCH_URL: ${nodes.problem}`);
/** OPENSEARCH_URL's nodes (one, or several comma-separated, as the indexer reads it): the client and the apps get all. */
export const opensearchNodes: readonly string[] = nodes.urls;
/** The first node, for the runner's few plain fetches (the ceiling's bulk load). */
export const opensearchUrl = nodes.urls[0] ?? "http://127.0.0.1:9200";
export const bunBin = `${repoRoot}node_modules/.bin/bun`;

let bun: string | undefined;
/** `bun --version`, asked once. */
export function bunVersion(): string {
  bun ??= spawnSync(bunBin, ["--version"], { encoding: "utf8" }).stdout.trim();
  return bun;
}

export function benchOpenSearch(): Client {
  return createOpenSearch({ url: opensearchNodes, requestTimeoutMs: 30_000 });
}

/** Documents visible to search now (no forced refresh: what a user would see). */
export async function searchableCount(client: Client, indexPrefix: string): Promise<number> {
  const response = await client.count({ index: `${indexPrefix}-*`, allow_no_indices: true });
  return response.body.count;
}

/** Waits until OpenSearch answers and is not red: someone else's outage test may be restarting it. */
export async function untilOpenSearchUsable(client: Client): Promise<void> {
  await waitFor(
    "OpenSearch",
    async () => (await client.cluster.health()).body.status !== "red",
    120_000,
    1000,
  );
}
