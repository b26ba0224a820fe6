import { describe, expect, it } from "vitest";
import { SeenIds } from "./seen-ids.ts";

describe("SeenIds", () => {
  it("knows the ids from Kafka's tail and the recent ones, forgetting the oldest recent first", () => {
    const seen = new SeenIds(new Set(["tail"]), 2);
    for (const id of ["a", "b", "c"]) seen.add(id);
    expect(["tail", "a", "b", "c"].map((id) => seen.has(id))).toEqual([true, false, true, true]);
  });

  it("keeps exactly the last `capacity` ids over many rounds, an id added twice counted once", () => {
    const seen = new SeenIds(new Set(), 3);
    for (let i = 0; i < 100; i++) seen.add(`id-${i}`);
    seen.add("id-99");
    expect([96, 97, 98, 99].map((i) => seen.has(`id-${i}`))).toEqual([false, true, true, true]);
  });
});
