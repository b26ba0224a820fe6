import { recordHeaders } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import { loadRealEvents } from "../../test/helpers/recordings.ts";
import { bulkBodyBytes } from "../bulk/bulk-request.ts";
import type { ConsumedRecord } from "../record.ts";
import { decodeRecord, type IndexedEvent } from "./decode.ts";
import { prepareRecord } from "./prepare-record.ts";
import { defaultTransforms, toDocument } from "./transform.ts";

const encoder = new TextEncoder();
const real = loadRealEvents().find((e) => e.stream === "mediawiki.recentchange")!;
const options = {
  topicPrefix: "wikistream.",
  transforms: defaultTransforms,
  naming: { prefix: "ws", bucket: "month" as const },
};
const record = (data: string): ConsumedRecord => ({
  topic: "wikistream.mediawiki.recentchange",
  partition: 0,
  offset: "0",
  key: null,
  value: encoder.encode(data),
  headers: { [recordHeaders.stream]: "mediawiki.recentchange" },
  timestamp: "0",
});

describe("prepareRecord", () => {
  it("turns a valid event into its bulk operation, with its stream and event time", () => {
    const prepared = prepareRecord(record(real.data), options);
    expect(prepared).toMatchObject({ kind: "item", stream: "mediawiki.recentchange" });
    if (prepared.kind !== "item") throw new Error("not an item");
    expect(prepared.operation.id).toBe(real.metaId);
    expect(prepared.operation.index).toMatch(/^ws-recentchange-\d{4}\.\d{2}$/);
    expect(prepared.eventTimeMs).toBe(Date.parse(String(real.event.meta?.dt)));
  });

  it("writes the document toDocument makes, from the event's bytes or serialised again", () => {
    const fromIngest = {
      ...record(real.data),
      headers: { ...record(real.data).headers, [recordHeaders.metaId]: real.metaId },
    };
    const withOwnField = record(JSON.stringify({ ...JSON.parse(real.data), wikistream: { stale: true } }));
    for (const input of [record(real.data), fromIngest, withOwnField]) {
      const prepared = prepareRecord(input, options);
      if (prepared.kind !== "item") throw new Error("not an item");
      const [action, source] = new TextDecoder().decode(bulkBodyBytes([prepared.operation])).split("\n");
      expect(JSON.parse(action!)).toEqual({ index: { _index: prepared.operation.index, _id: real.metaId } });
      const decoded = decodeRecord(input, "wikistream.") as unknown as IndexedEvent;
      expect(JSON.parse(source!)).toEqual(JSON.parse(JSON.stringify(toDocument(decoded))));
    }
  });

  it("skips a canary event", () => {
    const canary = JSON.parse(real.data) as { meta: { domain: string } };
    canary.meta.domain = "canary";
    expect(prepareRecord(record(JSON.stringify(canary)), options)).toEqual({
      kind: "skip",
      reason: "canary",
    });
  });

  it("dead-letters an undecodable record at the decode stage", () => {
    expect(prepareRecord(record("{not json"), options)).toMatchObject({
      kind: "dead_letter",
      stage: "decode",
      reason: "invalid_json",
    });
  });

  it("dead-letters a record a transform throws for, naming the transform and its cause", () => {
    const failing = {
      ...defaultTransforms,
      "mediawiki.recentchange": [
        {
          name: "boom",
          apply: () => {
            throw new Error("cannot");
          },
        },
      ],
    };
    const prepared = prepareRecord(record(real.data), { ...options, transforms: failing });
    expect(prepared).toMatchObject({
      kind: "dead_letter",
      stage: "transform",
      reason: "transform_failed",
      detail: 'transform "boom" failed for mediawiki.recentchange: cannot',
    });
  });
});
