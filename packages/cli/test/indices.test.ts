import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasIsm } from "../src/indices/cluster.ts";
import { cli, cliNames, testOpenSearch } from "./helpers/services.ts";

// `wikistream indices prune` deletes only indices whose month ended longer ago than --older-than,
// never an index whose name is not a bucket, and a dry run deletes nothing.

const names = cliNames();
const client = testOpenSearch();
const prefix = names.indexPrefix;
const thisMonth = new Date().toISOString().slice(0, 7).replace("-", ".");
const old = [`${prefix}-recentchange-2020.01`, `${prefix}-page_change-2020.02`];
const kept = [`${prefix}-recentchange-${thisMonth}`, `${prefix}-notes`];

const names_ = async () => {
  const response = await client.cat.indices({ index: `${prefix}-*`, format: "json", h: ["index"] });
  return (response.body as unknown as { index: string }[]).map((row) => row.index).sort();
};

beforeAll(async () => {
  for (const index of [...old, ...kept]) {
    await client.indices.create({ index, body: { settings: { number_of_replicas: 0 } } });
    await client.index({ index, id: "1", body: { meta: { id: "1" } }, refresh: true });
  }
}, 60_000);

afterAll(async () => {
  await client.indices.delete({ index: `${prefix}-*`, allow_no_indices: true, expand_wildcards: "all" });
});

describe("wikistream indices (real OpenSearch)", () => {
  it("lists every index of the prefix with documents, size and the age of its month", async () => {
    const run = await cli(["indices", "list", "--index-prefix", prefix, "--json"]);
    expect(run.code).toBe(0);
    const rows = run.out.map(
      (line) => JSON.parse(line) as { index: string; docs: number; bytes: number; ageDays: number | null },
    );
    expect(rows.map((r) => r.index).sort()).toEqual([...old, ...kept].sort());
    expect(rows.every((r) => r.docs === 1 && r.bytes > 0)).toBe(true);
    expect(rows.find((r) => r.index === `${prefix}-notes`)?.ageDays).toBeNull();
  });

  it("a dry run names the old indices and deletes none", async () => {
    const run = await cli(["indices", "prune", "--index-prefix", prefix, "--older-than", "90d", "--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.out.map((line) => line.split(" ")[2]).sort()).toEqual([...old].sort());
    expect(await names_()).toEqual([...old, ...kept].sort());
  });

  it("prune removes only the indices whose month ended more than 90 days ago", async () => {
    const run = await cli(["indices", "prune", "--index-prefix", prefix, "--older-than", "90d"]);
    expect(run.code).toBe(0);
    expect(run.err.at(-1)).toBe(`deleted 2 of 4 ${prefix}-* indices; kept 2`);
    expect(await names_()).toEqual([...kept].sort());
  });

  it("names the missing flag", async () => {
    const run = await cli(["indices", "prune", "--index-prefix", prefix]);
    expect(run.code).toBe(2);
    expect(run.err.join("\n")).toMatch(/--older-than is required/);
  });

  it("installs the ISM policy where the plugin exists, and says so where it does not", async () => {
    const run = await cli([
      "indices",
      "ism",
      "--apply",
      "--index-prefix",
      prefix,
      "--policy-id",
      `${prefix}-retention`,
    ]);
    if (await hasIsm(client)) {
      expect(run.code, run.err.join("\n")).toBe(0);
      await client.transport.request({
        method: "DELETE",
        path: `/_plugins/_ism/policies/${prefix}-retention`,
      });
    } else {
      expect(run.code).toBe(1);
      expect(run.err.join("\n")).toMatch(/no ISM plugin/);
    }
  });
});
