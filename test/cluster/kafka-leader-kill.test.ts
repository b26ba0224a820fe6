// kill -9 of the broker leading a partition while a recording is replayed through the real ingest and
// indexer processes: ingest keeps publishing on the other leaders (acks=all, idempotent), the indexer
// keeps consuming, the broker comes back with `stack.sh up` and rejoins every ISR, and every distinct
// meta.id is one document, with nothing dead-lettered.
import { waitFor } from "@wikistream/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { expectExactlyOnce } from "./helpers/checks.ts";
import { type BrokerId, brokerService, killHard, stack } from "./helpers/cluster.ts";
import { faultFigures } from "./helpers/figures.ts";
import { fullyReplicated } from "./helpers/kafka-state.ts";
import { FaultRun, report } from "./helpers/run.ts";

let run: FaultRun | undefined;
let down: BrokerId | undefined;

afterAll(async () => {
  if (down !== undefined) await stack("up", brokerService(down)); // never leave the cluster short
  await run?.close();
});

describe("cluster: kill -9 of a partition leader", () => {
  it("publishing and indexing go on, the broker rejoins, every meta.id is indexed exactly once", async () => {
    run = await FaultRun.start({ copies: 7, perSecond: 250 });
    const current = run;
    const [topic] = current.streamTopics;
    if (topic === undefined) throw new Error("no stream topic");
    await current.waitForPublished(2_000);
    await current.waitForIndexed(1_000);

    const leaderOf0 = async () =>
      (await current.kafka.partitions([topic])).find((p) => p.partition === 0)?.leader;
    const leader = await leaderOf0();
    if (leader !== 1 && leader !== 2 && leader !== 3)
      throw new Error(`partition 0 of ${topic} has leader ${leader}`);
    down = leader;
    const killedAt = Date.now();
    await killHard(brokerService(leader));
    await waitFor(
      "a new leader for partition 0",
      async () => ![undefined, -1, leader].includes(await leaderOf0()),
      60_000,
      200,
    );
    const newLeaderMs = Date.now() - killedAt;
    // Run on two brokers until ingest has visibly published past the loss.
    await current.waitForPublished((current.sampler.last?.published ?? 0) + 2_000, 60_000);

    const upAt = Date.now();
    await stack("up", brokerService(leader));
    down = undefined;
    await waitFor(
      `kafka${leader} back in every ISR`,
      async () => {
        const partitions = await current.kafka.partitions(current.streamTopics);
        return fullyReplicated(partitions) && partitions.every((p) => p.isr.includes(leader));
      },
      120_000,
      500,
    );
    const rejoinedAt = Date.now();

    const outcome = await current.finish(180_000);
    const streamEnd = current.streamEndedAt();
    const figures = {
      events: outcome.expected,
      killed: `kafka${leader} (leader of ${topic}/0)`,
      "new leader (ms)": newLeaderMs,
      "broker down (ms)": upAt - killedAt,
      "up to back in every ISR (ms)": rejoinedAt - upAt,
      "kill to recovered (ms)": rejoinedAt - killedAt,
      ...faultFigures(outcome, current.sampler.samples, { from: killedAt, to: rejoinedAt, streamEnd }),
    };
    report("kill -9 partition leader", figures);

    expect(killedAt, "the kill landed mid-stream").toBeLessThan(streamEnd);
    expect(figures["published while faulty"], "ingest kept publishing").toBeGreaterThan(0);
    expect(figures["indexed while faulty"], "the indexer kept consuming").toBeGreaterThan(0);
    expectExactlyOnce(outcome, current.logs());
  });
});
