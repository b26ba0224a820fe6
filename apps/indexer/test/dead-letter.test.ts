import { recordHeaders } from "@wikistream/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultTransforms } from "../src/prepare/transform.ts";
import { metricValue } from "./helpers/in-process-indexer.ts";
import { loadRealEvents, type RealEvent, withChange } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// Records that can never be indexed go to the dead-letter topic with the original bytes and the reason;
// everything else is indexed and the committed offset moves past them.

const sandbox = createSandbox();
const { names } = sandbox;
const real = loadRealEvents();
const pageChanges = real.filter((e) => e.stream === "mediawiki.page_change.v1");
const recentChanges = real.filter((e) => e.stream === "mediawiki.recentchange");

// Valid for the event schema, refused by the index mapping: performer.edit_count is a `long`.
const mappingFailure: RealEvent = withChange(pageChanges[3]!, (event) => {
  (event.performer as Record<string, unknown>).edit_count = "lots";
});
// Not JSON at all (a truncated real event).
const truncated: RealEvent = { ...recentChanges[10]!, data: recentChanges[10]!.data.slice(0, 120) };
// A transform that throws for one event only.
const transformVictim = recentChanges[20]!;
const good = real.filter(
  (e) => ![mappingFailure, truncated, transformVictim].some((bad) => bad.metaId === e.metaId),
);

beforeAll(
  () =>
    sandbox.setUp([...good.slice(0, 100), mappingFailure, truncated, transformVictim, ...good.slice(100)]),
  60_000,
);
afterAll(() => sandbox.tearDown(), 60_000);

describe("dead-letter topic (real Kafka + real OpenSearch)", () => {
  it("dead-letters a mapping failure, a parse failure and a throwing transform, indexes the rest, commits past them", async () => {
    const transforms = {
      ...defaultTransforms,
      "mediawiki.recentchange": [
        ...defaultTransforms["mediawiki.recentchange"],
        {
          name: "explodes_on_one_event",
          apply: (event: { meta: { id: string } }) => {
            if (event.meta.id === transformVictim.metaId) throw new Error("transform bug");
            return {};
          },
        },
      ],
    };
    const running = await sandbox.startIndexer({ transforms });
    await sandbox.waitUntilCommitted(45_000, "offsets committed to the end");

    expect(await sandbox.compareIndex(good)).toMatchObject({
      expected: 184,
      documents: 184,
      missing: [],
      duplicated: [],
      unexpected: [],
    });

    const letters = await sandbox.readDeadLetters(3);
    const byReason = new Map(letters.map((l) => [l.headers["wikistream-dlq-reason"], l]));
    expect([...byReason.keys()].sort()).toEqual([
      "invalid_json",
      "mapper_parsing_exception",
      "transform_failed",
    ]);

    const mapping = byReason.get("mapper_parsing_exception")!;
    expect(mapping.value).toBe(mappingFailure.data);
    expect(mapping.headers).toMatchObject({
      "wikistream-dlq-stage": "index",
      "wikistream-dlq-status": "400",
      "wikistream-dlq-topic": names.topics.pageChange,
      [recordHeaders.metaId]: mappingFailure.metaId,
      [recordHeaders.stream]: "mediawiki.page_change.v1",
    });
    expect(mapping.headers["wikistream-dlq-detail"]).toContain("performer.edit_count");
    expect(mapping.headers["wikistream-dlq-offset"]).toMatch(/^\d+$/);

    expect(byReason.get("invalid_json")!.value).toBe(truncated.data);
    expect(byReason.get("invalid_json")!.headers["wikistream-dlq-stage"]).toBe("decode");
    expect(byReason.get("transform_failed")!.headers["wikistream-dlq-detail"]).toContain(
      "explodes_on_one_event",
    );

    const documents = "wikistream_indexer_documents_total";
    expect(await metricValue(running.metrics, documents, { result: "dead_lettered" })).toBe(3);
    expect(await metricValue(running.metrics, documents, { result: "indexed" })).toBe(184);
    expect(
      await metricValue(running.metrics, "wikistream_indexer_errors_total", { code: "transform_failed" }),
    ).toBe(1);
  }, 80_000);
});
