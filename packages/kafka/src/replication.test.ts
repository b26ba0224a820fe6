import { describe, expect, it } from "vitest";
import { replicationWarnings } from "./replication.ts";

describe("replicationWarnings", () => {
  it("warns about one replica on a cluster with more brokers", () => {
    const warnings = replicationWarnings(
      { brokers: 3, topics: [{ topic: "t", replicationFactor: 1, minInsyncReplicas: 1 }] },
      { acks: -1 },
    );
    expect(warnings).toEqual([
      {
        kind: "single_replica",
        topic: "t",
        replicationFactor: 1,
        brokers: 3,
        message:
          "topic t has replication factor 1 on a cluster of 3 brokers: losing one broker takes its partitions offline",
      },
    ]);
  });

  it("accepts one replica on a one-broker cluster (the local stack)", () => {
    expect(
      replicationWarnings(
        { brokers: 1, topics: [{ topic: "t", replicationFactor: 1, minInsyncReplicas: 1 }] },
        { acks: -1 },
      ),
    ).toEqual([]);
  });

  it("warns about min.insync.replicas < 2 only with acks=all", () => {
    const facts = { brokers: 3, topics: [{ topic: "t", replicationFactor: 3, minInsyncReplicas: 1 }] };
    expect(replicationWarnings(facts, { acks: -1 }).map((w) => w.kind)).toEqual(["low_min_isr"]);
    expect(replicationWarnings(facts, { acks: 1 })).toEqual([]);
  });

  it("is quiet for RF 3 with min ISR 2", () => {
    expect(
      replicationWarnings(
        { brokers: 3, topics: [{ topic: "t", replicationFactor: 3, minInsyncReplicas: 2 }] },
        { acks: -1 },
      ),
    ).toEqual([]);
  });
});
