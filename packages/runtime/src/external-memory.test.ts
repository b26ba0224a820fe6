import { spawnSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { decideExternalMemory, ExternalMemoryCollector } from "./external-memory.ts";

const MiB = 1_048_576;

describe("decideExternalMemory", () => {
  it("collects once external memory has grown by the budget since the last collection", () => {
    expect(decideExternalMemory(40 * MiB, 24 * MiB, 16 * MiB)).toEqual({ kind: "collect" });
    expect(decideExternalMemory(39 * MiB, 24 * MiB, 16 * MiB)).toEqual({ kind: "wait" });
  });

  it("measures from a lower level when the runtime collected on its own", () => {
    expect(decideExternalMemory(10 * MiB, 24 * MiB, 16 * MiB)).toEqual({
      kind: "rebase",
      baseline: 10 * MiB,
    });
  });
});

describe("ExternalMemoryCollector", () => {
  it("asks for one collection per budget of growth, none while one runs, and measures from after it", async () => {
    vi.useFakeTimers();
    try {
      let external = 10 * MiB;
      let finish: (() => void) | undefined;
      const collect = vi.fn(
        () =>
          new Promise<void>((resolve) => {
            finish = resolve;
          }),
      );
      const collector = new ExternalMemoryCollector({ budgetBytes: 16 * MiB, read: () => external, collect });
      collector.start();
      external = 25 * MiB;
      await vi.advanceTimersByTimeAsync(200);
      expect(collect).not.toHaveBeenCalled();
      external = 26 * MiB;
      await vi.advanceTimersByTimeAsync(200);
      expect(collect).toHaveBeenCalledTimes(1);
      external = 60 * MiB; // still collecting: no second request
      await vi.advanceTimersByTimeAsync(200);
      expect(collect).toHaveBeenCalledTimes(1);
      external = 12 * MiB;
      finish?.();
      await vi.advanceTimersByTimeAsync(200);
      external = 27 * MiB; // 15 MiB above the level after the collection
      await vi.advanceTimersByTimeAsync(200);
      expect(collector.collections).toBe(1);
      collector.stop();
      external = 100 * MiB;
      await vi.advanceTimersByTimeAsync(200);
      expect(collect).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("is off with a budget of 0, and stops asking after a collection throws", async () => {
    vi.useFakeTimers();
    try {
      const off = vi.fn(async () => {});
      new ExternalMemoryCollector({ budgetBytes: 0, read: () => 100 * MiB, collect: off }).start();
      let external = 0;
      const failing = vi.fn(async () => {
        throw new Error("no gc");
      });
      const onError = vi.fn();
      const collector = new ExternalMemoryCollector({
        budgetBytes: MiB,
        read: () => external,
        collect: failing,
        onError,
      });
      collector.start();
      external = 2 * MiB;
      await vi.advanceTimersByTimeAsync(200);
      external = 4 * MiB;
      await vi.advanceTimersByTimeAsync(200);
      expect(off).not.toHaveBeenCalled();
      expect(failing).toHaveBeenCalledTimes(1);
      expect(onError).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

/**
 * V8 for real: a process that keeps ~8 MiB of Buffers alive while it cycles 400 MiB through them, so
 * each one lives long enough to reach the old generation (as records held for a bulk do).
 */
const churn = `
const { ExternalMemoryCollector } = await import(${JSON.stringify(new URL("./external-memory.ts", import.meta.url).href)});
const { exposedGc } = await import(${JSON.stringify(new URL("./node.ts", import.meta.url).href)});
const budget = Number(process.argv[1]);
const collector = new ExternalMemoryCollector({ budgetBytes: budget, read: () => process.memoryUsage().external, collect: exposedGc(), intervalMs: 5 });
collector.start();
const held = [];
let peak = 0;
for (let i = 0; i < 6400; i++) {
  held.push(Buffer.alloc(64 * 1024, i));
  if (held.length > 128) held.shift();
  if (i % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  peak = Math.max(peak, process.memoryUsage().external);
}
collector.stop();
console.log(JSON.stringify({ peakMiB: peak / 1048576, collections: collector.collections }));
`;

function peakExternal(budgetBytes: number): { peakMiB: number; collections: number } {
  const result = spawnSync(
    process.execPath,
    ["--expose-gc", "--input-type=module", "-e", churn, String(budgetBytes)],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { peakMiB: number; collections: number };
}

describe("ExternalMemoryCollector on Node with --expose-gc", () => {
  it("bounds garbage Buffers by the budget, where V8 alone lets them pile up", () => {
    const alone = peakExternal(0);
    const bounded = peakExternal(16 * MiB);
    expect(alone.collections).toBe(0);
    // Measured: ~86 MiB alone (8 live + V8's 64 MiB and its lag), ~41 MiB with 16 MiB (the gc() is a task).
    expect(alone.peakMiB).toBeGreaterThan(64);
    expect(bounded.collections).toBeGreaterThan(5);
    expect(bounded.peakMiB).toBeLessThan(56);
  }, 60_000);
});
