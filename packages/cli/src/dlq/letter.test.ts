import { describe, expect, it } from "vitest";
import type { ReadRecord } from "../kafka/reader.ts";
import { parseDlqArgs } from "./args.ts";
import { decodeLetter } from "./letter.ts";
import { chunkSends, planRedrive } from "./redrive-plan.ts";
import { matches } from "./select.ts";

const b = (text: string) => Buffer.from(text);
const event =
  '{"meta":{"id":"id-1","stream":"mediawiki.recentchange","domain":"en.wikipedia.org"},"wiki":"enwiki","title":"Tea"}';

const indexerLetter: ReadRecord = {
  topic: "wikistream.indexer.dlq",
  partition: 0,
  offset: "7",
  timestamp: "1790000000000",
  key: b("enwiki:Tea"),
  value: b(event),
  headers: {
    "wikistream-stream": b("mediawiki.recentchange"),
    "wikistream-meta-id": b("id-1"),
    "wikistream-dlq-reason": b("mapper_parsing_exception"),
    "wikistream-dlq-stage": b("index"),
    "wikistream-dlq-detail": b("failed to parse field [x]"),
    "wikistream-dlq-topic": b("wikistream.mediawiki.recentchange"),
    "wikistream-dlq-partition": b("2"),
    "wikistream-dlq-offset": b("41"),
    "wikistream-dlq-time": b("2026-09-01T10:00:00.000Z"),
  },
};

const ingestLetter: ReadRecord = {
  topic: "wikistream.ingest.dlq",
  partition: 0,
  offset: "3",
  timestamp: "1790000000000",
  key: b("schema_violation"),
  value: b(
    JSON.stringify({
      reason: "schema_violation",
      detail: "x",
      url: "u",
      raw: event,
      frameId: "f",
      receivedAt: "2026-09-02T00:00:00.000Z",
    }),
  ),
  headers: { "wikistream-frame-id": b("f") },
};

describe("decodeLetter", () => {
  it("reads an indexer letter: reason, time, source, and the original record without the dlq headers", () => {
    const letter = decodeLetter(indexerLetter);
    expect(letter).toMatchObject({
      app: "indexer",
      ref: "wikistream.indexer.dlq:0:7",
      reason: "mapper_parsing_exception",
      time: "2026-09-01T10:00:00.000Z",
      metaId: "id-1",
      sourceTopic: "wikistream.mediawiki.recentchange",
      source: { partition: 2, offset: "41" },
      unredrivable: undefined,
    });
    expect(Object.keys(letter.original.headers).sort()).toEqual(["wikistream-meta-id", "wikistream-stream"]);
    expect(letter.original.value?.toString()).toBe(event);
    expect(letter.original.key?.toString()).toBe("enwiki:Tea");
  });

  it("reads an ingest letter: the raw payload with the key and headers ingest would have given it", () => {
    const letter = decodeLetter(ingestLetter);
    expect(letter).toMatchObject({
      app: "ingest",
      reason: "schema_violation",
      metaId: "id-1",
      sourceTopic: undefined,
    });
    expect(letter.original.key?.toString()).toBe("enwiki:Tea");
    expect(letter.original.headers["wikistream-meta-id"]?.toString()).toBe("id-1");
  });

  it("marks a truncated indexer letter as not re-drivable (only a prefix of the value survives)", () => {
    const truncated = {
      ...indexerLetter,
      headers: { ...indexerLetter.headers, "wikistream-dlq-truncated": b("2000000") },
    };
    expect(decodeLetter(truncated).unredrivable).toMatch(/truncated/);
  });
});

describe("planRedrive", () => {
  const letter = decodeLetter(indexerLetter);
  it("sends to the source topic with the original key and headers plus the letter's ref", () => {
    const [step] = planRedrive([letter], { redriven: new Set() });
    expect(step?.kind).toBe("send");
    if (step?.kind !== "send") return;
    expect(step.topic).toBe("wikistream.mediawiki.recentchange");
    expect(step.message.headers["wikistream-redriven-from"]?.toString()).toBe("wikistream.indexer.dlq:0:7");
    expect(step.message.headers["wikistream-dlq-reason"]).toBeUndefined();
  });
  it("skips letters already re-driven unless forced, and ingest letters without --to-topic", () => {
    const ingest = decodeLetter(ingestLetter);
    const steps = planRedrive([letter, ingest], { redriven: new Set([letter.ref]) });
    expect(steps.map((s) => (s.kind === "skip" ? s.why : s.kind))).toEqual(["already_redriven", "no_target"]);
    expect(planRedrive([letter], { redriven: new Set([letter.ref]), force: true })[0]?.kind).toBe("send");
  });
});

describe("selection", () => {
  const now = Date.parse("2026-09-03T00:00:00Z");
  it("filters by reason, letter time and meta.id", () => {
    const letter = decodeLetter(indexerLetter);
    const { command } = parseDlqArgs(
      ["list", "--reason", "mapper_parsing_exception", "--since", "2026-09-01"],
      {},
      now,
    );
    expect(command.action === "list" && matches(letter, command.filter)).toBe(true);
    const later = parseDlqArgs(["list", "--since", "1h"], {}, now).command;
    expect(later.action === "list" && matches(letter, later.filter)).toBe(false);
    const other = parseDlqArgs(["list", "--meta-id", "id-2,id-3"], {}, now).command;
    expect(other.action === "list" && matches(letter, other.filter)).toBe(false);
  });
  it("refuses a re-drive of everything unless --all says so, naming the flags", () => {
    expect(() => parseDlqArgs(["redrive"], {}, now)).toThrow(/--reason.*--all/);
    expect(parseDlqArgs(["redrive", "--all", "--dry-run"], {}, now).command).toMatchObject({
      action: "redrive",
      dryRun: true,
    });
  });
  it("names the flag of a bad value", () => {
    expect(() => parseDlqArgs(["list", "--app", "web"], {}, now)).toThrow(
      /--app: expected one of indexer, ingest/,
    );
    expect(() => parseDlqArgs(["list", "--from-offset", "-3"], {}, now)).toThrow(/from-offset/);
    expect(() => parseDlqArgs(["list", "--nope"], {}, now)).toThrow(/--nope/);
  });
});

describe("chunkSends", () => {
  const send = (bytes: number) => ({ message: { key: null, value: Buffer.alloc(bytes), headers: {} } });
  it("bounds each chunk by count and by bytes, and gives an oversized message a chunk of its own", () => {
    expect(chunkSends([send(10), send(10), send(10)], 2).map((c) => c.length)).toEqual([2, 1]);
    expect(chunkSends([send(500), send(500), send(2000), send(10)], 10, 1300).map((c) => c.length)).toEqual([
      2, 1, 1,
    ]);
  });
});
