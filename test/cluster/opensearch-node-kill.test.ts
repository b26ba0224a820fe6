// kill -9 of one OpenSearch node during indexing (index replicas 1): indexing continues on the copies
// left, nothing is lost or dead-lettered, and the node's return (stack.sh up) is uneventful: the
// cluster turns green again while the indexer goes on. The indexer is given all three nodes (its
// OPENSEARCH_URL lists them) and sends to each in turn, so the kill also takes out one of its own
// nodes; the test reads through opensearch1, so the node killed is the other one holding more primaries.
import { waitFor } from "@wikistream/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { expectExactlyOnce } from "./helpers/checks.ts";
import { killHard, type Service, stack } from "./helpers/cluster.ts";
import { faultFigures } from "./helpers/figures.ts";
import { FaultRun, report } from "./helpers/run.ts";

let run: FaultRun | undefined;
let down: Service | undefined;

afterAll(async () => {
  if (down !== undefined) await stack("up", down);
  await run?.close();
});

describe("cluster: kill -9 of an OpenSearch node", () => {
  it("indexing continues on the replicas, nothing is lost, the node comes back quietly", async () => {
    run = await FaultRun.start({ copies: 7, perSecond: 200 });
    const current = run;
    await waitFor(
      "documents in every index of the run",
      async () => (await current.opensearch.count()) >= 2_000,
      90_000,
      500,
    );
    await waitFor(
      "the run's shards all assigned",
      async () => (await current.opensearch.health()).unassigned === 0,
      60_000,
      500,
    );

    const shards = await current.opensearch.shardsByNode();
    const candidates = (["opensearch2", "opensearch3"] as const).map((node) => ({
      node,
      ...(shards.get(node) ?? { primaries: 0, replicas: 0 }),
    }));
    candidates.sort((a, b) => b.primaries - a.primaries || b.replicas - a.replicas);
    const victim = candidates[0];
    if (victim === undefined) throw new Error("no node to kill");
    down = victim.node;
    const killedAt = Date.now();
    await killHard(victim.node);
    // Degraded for a while: the indexer must keep indexing on the copies left.
    await current.waitForPublished((current.sampler.last?.published ?? 0) + 2_000, 60_000);
    const indexedAtKill = current.sampler.samples.find((s) => s.at >= killedAt)?.indexed ?? 0;
    await waitFor(
      "indexing past the kill",
      () => (current.sampler.last?.indexed ?? 0) >= indexedAtKill + 1_000,
      90_000,
      500,
    );

    const upAt = Date.now();
    await stack("up", victim.node);
    down = undefined;
    await waitFor(
      "the run's indices green",
      async () => (await current.opensearch.health()).status === "green",
      180_000,
      1_000,
    );
    const greenAt = Date.now();

    const outcome = await current.finish(180_000);
    const streamEnd = current.streamEndedAt();
    const figures = {
      events: outcome.expected,
      killed: `${victim.node} (${victim.primaries} primaries, ${victim.replicas} replicas of the run's indices)`,
      "node down (ms)": upAt - killedAt,
      "up to green (ms)": greenAt - upAt,
      "kill to recovered (ms)": greenAt - killedAt,
      ...faultFigures(outcome, current.sampler.samples, { from: killedAt, to: greenAt, streamEnd }),
    };
    report("kill -9 OpenSearch node", figures);

    expect(killedAt, "the kill landed mid-stream").toBeLessThan(streamEnd);
    expect(figures["indexed while faulty"], "indexing went on").toBeGreaterThan(0);
    expectExactlyOnce(outcome, current.logs());
  });
});
