import { silentLogger } from "@wikistream/log";
import { describe, expect, it } from "vitest";
import { createIndexerMetrics } from "../metrics.ts";
import type { TopicPartitionOffset } from "../record.ts";
import { Committer } from "./committer.ts";

function harness(consumer: {
  consuming: boolean;
  commit: (offsets: readonly TopicPartitionOffset[]) => Promise<void>;
}) {
  let finished: TopicPartitionOffset[] = [{ topic: "t", partition: 0, offset: 5n }];
  const marked: TopicPartitionOffset[][] = [];
  const metrics = createIndexerMetrics({ defaultMetrics: false });
  const committer = new Committer({
    consumer,
    offsets: {
      committable: () => finished,
      markCommitted: (offsets) => {
        marked.push([...offsets]);
        finished = [];
      },
    },
    metrics,
    logger: silentLogger,
  });
  const commits = async () =>
    Object.fromEntries(
      (
        (await metrics.registry.getSingleMetric("wikistream_indexer_offset_commits_total")?.get())?.values ??
        []
      ).map((v) => [String(v.labels.result), v.value]),
    );
  return { committer, marked, commits };
}

describe("Committer", () => {
  it("commits the finished offsets and marks them committed", async () => {
    const committed: TopicPartitionOffset[][] = [];
    const h = harness({ consuming: true, commit: async (offsets) => void committed.push([...offsets]) });
    await h.committer.commitNow();
    expect(committed).toEqual([[{ topic: "t", partition: 0, offset: 5n }]]);
    expect(h.marked).toEqual(committed);
    expect(h.committer.lastCommitAt).toBeDefined();
    expect(await h.commits()).toEqual({ ok: 1 });
  });

  it("skips the commit while the consumer is not running (kafkajs would drop it silently)", async () => {
    const h = harness({ consuming: false, commit: async () => expect.unreachable() });
    await h.committer.commitNow();
    expect(h.marked).toEqual([]);
    expect(await h.commits()).toEqual({ skipped: 1 });
  });

  it("counts a failed commit and never throws; nothing is marked committed", async () => {
    const h = harness({
      consuming: true,
      commit: async () => {
        throw new Error("REBALANCE_IN_PROGRESS");
      },
    });
    await expect(h.committer.commitNow()).resolves.toBeUndefined();
    expect(h.marked).toEqual([]);
    expect(await h.commits()).toEqual({ failed: 1 });
  });

  it("runs one commit at a time: a second caller waits, then commits what is left", async () => {
    let active = 0;
    let overlap = false;
    const h = harness({
      consuming: true,
      commit: async () => {
        active += 1;
        overlap ||= active > 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        active -= 1;
      },
    });
    await Promise.all([h.committer.commitNow(), h.committer.commitNow()]);
    expect(overlap).toBe(false);
    expect(h.marked).toHaveLength(1);
  });
});
