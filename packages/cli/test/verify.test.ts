import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliFixture } from "./helpers/fixture.ts";
import { cli, realEvents } from "./helpers/services.ts";

// `wikistream verify` reconciles what the topics hold with what the index holds, per partition, and
// exits 1 when a document is missing: here one deleted by hand behind the indexer's back.

let dir = "";
const events = [
  ...(await realEvents("mediawiki.recentchange", 40)),
  ...(await realEvents("mediawiki.page_change.v1", 20)),
];
const { names, client } = cliFixture(events, { indexer: true });

interface PartitionLine {
  topic: string;
  partition: number;
  records: number;
  documents: number;
  missing: string[];
  missingCount: number;
  unexpected: string[];
}

const verify = async (metricsFile: string) => {
  const run = await cli([
    "verify",
    ...["--topic", names.topics.recentchange, "--topic", names.topics.pageChange],
    ...["--index-prefix", names.indexPrefix, "--group", names.groupId, "--dlq-topic", names.dlqTopic],
    ...["--metrics-file", metricsFile, "--json"],
  ]);
  return { ...run, partitions: run.out.map((line) => JSON.parse(line) as PartitionLine) };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wikistream-verify-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("wikistream verify (real Kafka, OpenSearch and indexer)", () => {
  it("matches when every record has its document, per partition, and says so in the metrics file", async () => {
    const file = join(dir, "match.prom");
    const run = await verify(file);
    expect(run.code, run.err.join("\n")).toBe(0);
    expect(run.partitions).toHaveLength(6);
    expect(run.partitions.reduce((sum, p) => sum + p.records, 0)).toBe(events.length);
    expect(run.partitions.every((p) => p.documents === p.records && p.missingCount === 0)).toBe(true);
    const metrics = await readFile(file, "utf8");
    expect(metrics).toContain("wikistream_verify_last_success 1\n");
    expect(run.err.at(-1)).toMatch(/verify: match — 60 records .* OpenSearch requests/);
  });

  it("finds a document deleted by hand: exit 1, the id in its partition, the metric at 1", async () => {
    const victim = events[7]!;
    const found = await client.search({
      index: `${names.indexPrefix}-all`,
      body: { query: { ids: { values: [victim.metaId] } }, _source: false },
    });
    const index = (found.body.hits.hits[0] as { _index: string })._index;
    await client.delete({ index, id: victim.metaId, refresh: true });

    const file = join(dir, "mismatch.prom");
    const run = await verify(file);
    expect(run.code).toBe(1);
    const bad = run.partitions.filter((p) => p.missingCount > 0);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({
      topic: names.topics.recentchange,
      missing: [victim.metaId],
      missingCount: 1,
    });
    const metrics = await readFile(file, "utf8");
    expect(metrics).toContain(
      `wikistream_verify_missing_documents{topic="${names.topics.recentchange}",partition="${bad[0]!.partition}"} 1\n`,
    );
    expect(metrics).toContain("wikistream_verify_last_success 0\n");
  });
});
