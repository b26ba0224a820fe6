import { describe, expect, it } from "vitest";
import type { Letter } from "./letter.ts";
import { runAudit, sendsByTopic, skippedText, tallySkips } from "./redrive.ts";
import { planRedrive } from "./redrive-plan.ts";

const letter = (offset: number, overrides: Partial<Letter> = {}): Letter => ({
  app: "indexer",
  dlqTopic: "wikistream.indexer.dlq",
  partition: 0,
  offset: String(offset),
  ref: `wikistream.indexer.dlq:0:${offset}`,
  reason: "mapper_parsing_exception",
  detail: "failed to parse",
  time: "2026-09-01T10:00:00.000Z",
  metaId: `id-${offset}`,
  sourceTopic: "wikistream.a",
  source: { partition: 0, offset: String(offset) },
  original: { key: null, value: Buffer.from("{}"), headers: {} },
  unredrivable: undefined,
  ...overrides,
});

const steps = planRedrive(
  [
    letter(1),
    letter(2, { sourceTopic: "wikistream.b" }),
    letter(3),
    letter(4, { unredrivable: "value is not JSON" }),
    letter(5),
  ],
  { redriven: new Set(["wikistream.indexer.dlq:0:5"]) },
);
const sends = steps.filter((s) => s.kind === "send");

const command = {
  action: "redrive",
  topics: ["wikistream.indexer.dlq"],
  range: {},
  filter: { reasons: ["mapper_parsing_exception"] },
  toTopic: undefined,
  dryRun: false,
  force: false,
  by: "ops@host",
  auditTopic: "wikistream.dlq.redrives",
  json: false,
} as const;

describe("redrive decisions", () => {
  it("counts the skips by why, and says none when there are none", () => {
    expect(tallySkips(steps)).toEqual({ not_redrivable: 1, already_redriven: 1 });
    expect(skippedText(tallySkips(steps))).toBe("1 not_redrivable, 1 already_redriven");
    expect(skippedText(tallySkips(sends))).toBe("none");
  });

  it("groups the sends by target topic, each in letter order", () => {
    const byTopic = sendsByTopic(sends);
    expect([...byTopic.keys()]).toEqual(["wikistream.a", "wikistream.b"]);
    expect(byTopic.get("wikistream.a")?.map((s) => s.letter.offset)).toEqual(["1", "3"]);
  });

  it("audits every sent letter, then the run with its selection and counts", () => {
    const messages = runAudit(command, sends, tallySkips(steps), {
      id: "r1",
      at: "2026-09-02T00:00:00.000Z",
    });
    expect(messages.map((m) => m.key)).toEqual([
      "letter:wikistream.indexer.dlq:0:1",
      "letter:wikistream.indexer.dlq:0:2",
      "letter:wikistream.indexer.dlq:0:3",
      "run:r1",
    ]);
    expect(JSON.parse(String(messages[1]?.value))).toEqual({
      ref: "wikistream.indexer.dlq:0:2",
      metaId: "id-2",
      topic: "wikistream.b",
      run: "r1",
      by: "ops@host",
      at: "2026-09-02T00:00:00.000Z",
    });
    expect(JSON.parse(String(messages[3]?.value))).toMatchObject({
      run: "r1",
      dryRun: false,
      sent: 3,
      skipped: { not_redrivable: 1, already_redriven: 1 },
      selection: { topics: ["wikistream.indexer.dlq"], reasons: ["mapper_parsing_exception"], force: false },
    });
  });
});
