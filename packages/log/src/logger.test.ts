import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

describe("createLogger", () => {
  it("writes one JSON object per line with context fields and child bindings", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) }).child({ component: "ingest" });
    log.info("published", { topic: "t", partition: 1 });
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({
      level: "info",
      msg: "published",
      component: "ingest",
      topic: "t",
      partition: 1,
    });
  });

  it("drops messages below the level and redacts secrets", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "warn", write: (l) => lines.push(l) });
    log.info("hidden");
    log.warn("shown", { password: "hunter2", error: Object.assign(new Error("boom"), { code: "x" }) });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      password: "(redacted)",
      error: { message: "boom", code: "x" },
    });
  });
});
