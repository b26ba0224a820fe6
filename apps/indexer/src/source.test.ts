import { recordHeaders } from "@wikistream/events";
import { silentLogger } from "@wikistream/log";
import type { Kafka, KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createSource, toConsumedRecord } from "./source.ts";

/** A kafkajs consumer that, like the real one after a crash, throws from pause/resume once disconnected. */
function fakeKafka() {
  const listeners = new Map<string, ((event: { payload: unknown }) => void)[]>();
  let group = false;
  const calls: string[] = [];
  const notInitialized = () => {
    if (!group) throw new Error("Consumer group was not initialized, consumer#run must be called first");
  };
  const consumer = {
    events: { GROUP_JOIN: "join", REBALANCING: "rebalancing", CRASH: "crash", STOP: "stop" },
    on(event: string, listener: (event: { payload: unknown }) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    connect: async () => {},
    subscribe: async () => {},
    run: async () => {},
    disconnect: async () => {},
    pause: () => {
      notInitialized();
      calls.push("pause");
    },
    resume: () => {
      notInitialized();
      calls.push("resume");
    },
    // Like kafkajs: returns silently while the runner is not running.
    commitOffsets: async () => {
      calls.push("commit");
    },
  };
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener({ payload });
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    calls,
    join() {
      group = true;
      emit("join", { memberId: "m", memberAssignment: { t: [0] } });
    },
    crash(restart: boolean) {
      group = false;
      emit("stop", {});
      emit("crash", { error: new Error("boom"), restart, groupId: "g" });
    },
  };
}

describe("source", () => {
  it("regression: pause/resume/commit threw or silently did nothing after a consumer crash", async () => {
    const fake = fakeKafka();
    const crashes: boolean[] = [];
    const source = createSource({
      kafka: fake.kafka,
      groupId: "g",
      topics: ["t"],
      fromBeginning: true,
      sessionTimeoutMs: 30_000,
      maxBytesPerPartition: 1024,
      maxWaitTimeMs: 100,
      logger: silentLogger,
    });
    await source.start({
      onRecords: () => {},
      onAssignment: () => {},
      onRebalancing: () => {},
      onCrash: (_error, restart) => crashes.push(restart),
    });
    fake.join();
    expect(source.consuming).toBe(true);
    source.pause("t", 0);
    await source.commit([{ topic: "t", partition: 0, offset: 1n }]);
    fake.crash(true);
    expect(crashes).toEqual([true]);
    expect(source.consuming).toBe(false);
    expect(() => source.pause("t", 0)).not.toThrow();
    expect(() => source.resume("t", 0)).not.toThrow();
    expect(() => source.pauseAll()).not.toThrow();
    await expect(source.commit([{ topic: "t", partition: 0, offset: 2n }])).rejects.toThrow(/not running/);
    expect(fake.calls).toEqual(["pause", "commit"]);
    fake.join();
    source.resume("t", 0);
    expect(fake.calls).toEqual(["pause", "commit", "resume"]);
    await source.stop();
  });
});

describe("toConsumedRecord", () => {
  it("keeps key and value bytes and decodes headers as UTF-8 text", () => {
    // The fields kafkajs fills for a record-batch entry that the indexer reads.
    const message = {
      key: Buffer.from("enwiki:Tōkyō"),
      value: Buffer.from('{"meta":{}}'),
      timestamp: "1690617099000",
      attributes: 0,
      offset: "41",
      size: 0,
      headers: {
        [recordHeaders.stream]: Buffer.from("mediawiki.recentchange"),
        [recordHeaders.sseId]: '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"timestamp":1}]',
        repeated: [Buffer.from("first"), Buffer.from("second")],
        absent: undefined,
      },
    } as unknown as KafkaMessage;
    const record = toConsumedRecord("wikistream.mediawiki.recentchange", 2, message);
    expect(record).toEqual({
      topic: "wikistream.mediawiki.recentchange",
      partition: 2,
      offset: "41",
      key: Buffer.from("enwiki:Tōkyō"),
      value: Buffer.from('{"meta":{}}'),
      headers: {
        [recordHeaders.stream]: "mediawiki.recentchange",
        [recordHeaders.sseId]: '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"timestamp":1}]',
        repeated: "first",
      },
      timestamp: "1690617099000",
    });
  });
});
