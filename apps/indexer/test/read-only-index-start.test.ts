import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox } from "./helpers/sandbox.ts";

// Start-up applies INDEXER_REFRESH_INTERVAL to every existing index of the streams. One read-only
// index among them (an operator's block, or read_only_allow_delete after a full disk) used to fail
// that step with a 403: main.ts exited 1 blaming the credentials, and the restart did the same.

const sandbox = createSandbox();
const { client, names } = sandbox;
const blocked = `${names.indexPrefix}-recentchange-2020.01`;
const healthy = `${names.indexPrefix}-page_change-2020.01`;

const refreshInterval = async (index: string) => {
  const response = await client.indices.getSettings({ index, name: "index.refresh_interval" });
  const body = response.body as Record<string, { settings: { index: { refresh_interval?: string } } }>;
  return body[index]?.settings.index.refresh_interval;
};

beforeAll(async () => {
  await sandbox.createTopics();
  for (const index of [blocked, healthy]) {
    await client.indices.create({
      index,
      body: { settings: { index: { number_of_replicas: 0, refresh_interval: "30s" } } },
    });
  }
  await client.indices.putSettings({ index: blocked, body: { index: { blocks: { read_only: true } } } });
}, 60_000);

afterAll(async () => {
  // A read-only index cannot be deleted: lift the block first.
  await client.indices
    .putSettings({ index: blocked, body: { index: { blocks: { read_only: false } } } })
    .catch(() => {});
  await sandbox.tearDown();
}, 60_000);

describe("start-up with a read-only index (real OpenSearch)", () => {
  it("regression: one read-only index made start-up exit 1 blaming the credentials; now it warns, names the index and goes on", async () => {
    const child = sandbox.spawnIndexer("read-only-start", { env: { INDEXER_REFRESH_INTERVAL: "2s" } });
    const port = await child.port();
    await waitFor(
      "the indexer ready",
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200,
      60_000,
      200,
    );

    const warning = child.logs.find(
      (line) => line.msg === "an existing index refused refresh_interval; start goes on without it",
    );
    expect(warning).toMatchObject({ level: "warn", index: blocked, code: "index_settings_failed" });
    expect(String(warning?.hint)).toContain(blocked);
    expect(JSON.stringify(child.logs)).not.toContain("OPENSEARCH_USERNAME");
    expect(await refreshInterval(healthy)).toBe("2s");
    expect(await refreshInterval(blocked)).toBe("30s");
    expect(await child.metrics()).toMatch(
      /wikistream_indexer_errors_total\{[^}]*code="index_settings_failed"[^}]*\} 1/,
    );
    expect(await child.terminate()).toBe(0);
  }, 120_000);
});
