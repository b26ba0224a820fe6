import { describe, expect, it, vi } from "vitest";
import { RetryHold } from "./retry-hold.ts";

const item = (bytes: number) => ({ bytes, attempts: 1 });

describe("RetryHold", () => {
  it("holds items for their delay, counting their bytes until they are handed back", () => {
    vi.useFakeTimers();
    try {
      const hold = new RetryHold<{ bytes: number; attempts: number }>();
      const due: number[][] = [];
      hold.hold([item(10), item(5)], 100, (items) => due.push(items.map((i) => i.bytes)));
      hold.hold([item(7)], 300, (items) => due.push(items.map((i) => i.bytes)));
      expect(hold.bytes).toBe(22);
      vi.advanceTimersByTime(100);
      expect(due).toEqual([[10, 5]]);
      expect(hold.bytes).toBe(7);
      vi.advanceTimersByTime(200);
      expect(due).toEqual([[10, 5], [7]]);
      expect(hold.bytes).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("drops what it holds on close: nothing is handed back afterwards", () => {
    vi.useFakeTimers();
    try {
      const hold = new RetryHold<{ bytes: number; attempts: number }>();
      const due = vi.fn();
      hold.hold([item(10)], 100, due);
      hold.close();
      expect(hold.bytes).toBe(0);
      vi.advanceTimersByTime(1000);
      expect(due).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
