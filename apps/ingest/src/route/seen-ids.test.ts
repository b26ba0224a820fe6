import { describe, expect, it } from "vitest";
import { SeenIds } from "./seen-ids.ts";

describe("SeenIds", () => {
  it("knows the ids from Kafka's tail and the recent ones, forgetting the oldest recent first", () => {
    const seen = new SeenIds(new Set(["tail"]), 2);
    for (const id of ["a", "b", "c"]) seen.add(id);
    expect(["tail", "a", "b", "c"].map((id) => seen.has(id))).toEqual([true, false, true, true]);
  });
});
