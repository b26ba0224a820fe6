// A rolling restart of all three brokers (stack.sh down, then up, one at a time, each waiting until it
// is back in every ISR) while a recording is replayed through the real ingest and indexer processes:
// every distinct meta.id is one document, nothing is dead-lettered, both processes ride it out.
import { waitFor } from "@wikistream/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { expectExactlyOnce } from "./helpers/checks.ts";
import { type BrokerId, brokerIds, brokerService, stack } from "./helpers/cluster.ts";
import { faultFigures } from "./helpers/figures.ts";
import { fullyReplicated } from "./helpers/kafka-state.ts";
import { FaultRun, report } from "./helpers/run.ts";

let run: FaultRun | undefined;
let down: BrokerId | undefined;

afterAll(async () => {
  if (down !== undefined) await stack("up", brokerService(down));
  await run?.close();
});

describe("cluster: rolling restart of the brokers", () => {
  it("publishing and indexing ride out three restarts, every meta.id is indexed exactly once", async () => {
    // Long enough at this rate to span three restarts (≈ 40 s each on a loaded 2-core machine).
    run = await FaultRun.start({ copies: 8, perSecond: 150 });
    const current = run;
    await current.waitForPublished(1_500);
    await current.waitForIndexed(1_000);

    const startedAt = Date.now();
    const restarts: string[] = [];
    for (const broker of brokerIds) {
      const t0 = Date.now();
      down = broker;
      await stack("down", brokerService(broker));
      const stoppedMs = Date.now() - t0;
      await stack("up", brokerService(broker));
      down = undefined;
      await waitFor(
        `kafka${broker} back in every ISR`,
        async () => {
          const partitions = await current.kafka.partitions(current.streamTopics);
          return fullyReplicated(partitions) && partitions.every((p) => p.isr.includes(broker));
        },
        120_000,
        500,
      );
      restarts.push(`kafka${broker} ${stoppedMs}+${Date.now() - t0 - stoppedMs} ms`);
    }
    const doneAt = Date.now();

    const outcome = await current.finish(180_000);
    const streamEnd = current.streamEndedAt();
    const figures = {
      events: outcome.expected,
      "restarts (stop+back in ISR)": restarts.join("; "),
      "rolling restart (ms)": doneAt - startedAt,
      "last restart inside the stream": doneAt < streamEnd,
      ...faultFigures(outcome, current.sampler.samples, { from: startedAt, to: doneAt, streamEnd }),
    };
    report("rolling restart of 3 brokers", figures);

    expect(startedAt, "the restart began mid-stream").toBeLessThan(streamEnd);
    expect(figures["published while faulty"], "ingest kept publishing").toBeGreaterThan(0);
    expect(figures["indexed while faulty"], "the indexer kept consuming").toBeGreaterThan(0);
    expectExactlyOnce(outcome, current.logs());
  });
});
