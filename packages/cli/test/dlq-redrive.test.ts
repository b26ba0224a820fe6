import { describe, expect, it } from "vitest";
import { cliFixture } from "./helpers/fixture.ts";
import {
  cli,
  documents,
  endOffsets,
  fullyCommitted,
  type RealEvent,
  realEvents,
  topicExists,
} from "./helpers/services.ts";

// A mapping conflict dead-letters five events; once it is lifted, `wikistream dlq redrive` brings
// exactly those five back through the real indexer, and a second re-drive sends nothing.

const real = await realEvents("mediawiki.page_change.v1", 45);
if (real.length < 45) throw new Error(`expected 45 real page_change events, found ${real.length}`);
const good = real.slice(0, 40);
// Valid for the event schema, refused by the index mapping: performer.edit_count is a `long`.
const conflicting: RealEvent[] = real.slice(40).map((event) => {
  const parsed = JSON.parse(event.data) as { performer: Record<string, unknown> };
  parsed.performer.edit_count = "lots";
  return { ...event, data: JSON.stringify(parsed) };
});
const fixture = cliFixture([...good.slice(0, 20), ...conflicting, ...good.slice(20)], { indexer: true });
const { names, kafka, client } = fixture;
const redrive = [
  "dlq",
  "redrive",
  "--topic",
  names.dlqTopic,
  "--reason",
  "mapper_parsing_exception",
  "--audit-topic",
  names.auditTopic,
];

describe("wikistream dlq (real Kafka, OpenSearch and indexer)", () => {
  it("lists the five letters by reason with their source, and shows one with its original bytes", async () => {
    const list = await cli(["dlq", "list", "--topic", names.dlqTopic, "--json"]);
    expect(list.code).toBe(0);
    const letters = list.out.map(
      (line) => JSON.parse(line) as { ref: string; reason: string; metaId: string; source: string },
    );
    expect(letters.map((l) => l.metaId).sort()).toEqual(conflicting.map((e) => e.metaId).sort());
    expect(new Set(letters.map((l) => l.reason))).toEqual(new Set(["mapper_parsing_exception"]));
    expect(letters[0]!.source).toMatch(
      new RegExp(`^${names.topics.pageChange.replace(/\./g, "\\.")}:\\d:\\d+$`),
    );

    const show = await cli(["dlq", "show", letters[0]!.ref, "--json"]);
    const shown = JSON.parse(show.out[0]!) as { value: string; headers: Record<string, string> };
    expect(shown.value).toBe(conflicting.find((e) => e.metaId === letters[0]!.metaId)!.data);
    expect(shown.headers["wikistream-meta-id"]).toBe(letters[0]!.metaId);
    expect(shown.headers["wikistream-dlq-reason"]).toBeUndefined();
    const raw = await cli(["dlq", "show", letters[0]!.ref, "--raw"]);
    expect(raw.out.join("")).toBe(shown.value);
  });

  it("a dry run sends nothing and writes no audit record", async () => {
    const before = await endOffsets(kafka, names.topics.pageChange);
    const dry = await cli([...redrive, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.err.at(-1)).toMatch(/dry run: 5 of 5 letter\(s\) would be re-driven/);
    expect(await endOffsets(kafka, names.topics.pageChange)).toBe(before);
    expect(await topicExists(kafka, names.auditTopic)).toBe(false);
  });

  it("after the conflict is lifted, a re-drive indexes exactly the re-driven events, and a second one is a no-op", async () => {
    const before = await documents(client, names.indexPrefix);
    expect([...before.keys()].sort()).toEqual(good.map((e) => e.metaId).sort());

    // Lifting the conflict: the field keeps its type and ignores values that are not numbers.
    await client.indices.putMapping({
      index: `${names.indexPrefix}-page_change-*`,
      body: {
        properties: { performer: { properties: { edit_count: { type: "long", ignore_malformed: true } } } },
      },
    });
    const sentBefore = await endOffsets(kafka, names.topics.pageChange);
    const first = await cli([...redrive, "--by", "test-operator"]);
    expect(first.code).toBe(0);
    expect(first.err.at(-1)).toMatch(
      /re-drove 5 of 5 letter\(s\) \(run .*, by test-operator\); skipped: none/,
    );
    expect(await endOffsets(kafka, names.topics.pageChange)).toBe(sentBefore + 5);

    await fixture.indexer.until(
      "the re-driven records committed",
      () => fullyCommitted(kafka, names),
      30_000,
    );
    const after = await documents(client, names.indexPrefix);
    expect([...after.keys()].sort()).toEqual(real.map((e) => e.metaId).sort());
    // Every document written once: the re-drive touched nothing but the five.
    expect([...after.values()].every((version) => version === 1)).toBe(true);
    expect(await endOffsets(kafka, names.dlqTopic)).toBe(5);

    const second = await cli(redrive);
    expect(second.code).toBe(0);
    expect(second.err.at(-1)).toMatch(/re-drove 0 of 5 letter\(s\).*skipped: 5 already_redriven/);
    expect(await endOffsets(kafka, names.topics.pageChange)).toBe(sentBefore + 5);
  }, 90_000);
});
