import type { RecentChange } from "@wikistream/events";
import { recordHeaders } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import { loadRealEvents } from "../../test/helpers/recordings.ts";
import { TransformError } from "../errors.ts";
import { decodeRecord, type IndexedEvent } from "./decode.ts";
import { defaultTransforms, toDocument } from "./transform.ts";
import { isIpAddress, isTemporaryAccount, siteOf } from "./transforms/index.ts";

const encoder = new TextEncoder();
const decoded: IndexedEvent[] = loadRealEvents().map((event) => {
  const result = decodeRecord(
    {
      topic: "t",
      partition: 0,
      offset: "0",
      key: null,
      value: encoder.encode(event.data),
      headers: { [recordHeaders.stream]: event.stream },
      timestamp: "0",
    },
    "wikistream.",
  );
  if (result.kind !== "event") throw new Error(`fixture did not decode: ${event.file}`);
  return result;
});
const recentChanges = decoded.filter((d) => d.stream === "mediawiki.recentchange");
const pageChanges = decoded.filter((d) => d.stream === "mediawiki.page_change.v1");
const find = (predicate: (event: Record<string, unknown>) => boolean) =>
  decoded.find((d) => predicate(d.event as Record<string, unknown>))!;

describe("toDocument", () => {
  it("keeps the event as received and adds derived fields under `wikistream`", () => {
    for (const indexed of decoded) {
      const { wikistream, ...rest } = toDocument(indexed);
      expect(rest).toEqual(indexed.event);
      expect(wikistream.stream).toBe(indexed.stream);
      expect(wikistream.event_time).toBe(new Date(indexed.event.meta.dt).toISOString());
    }
  });

  it("computes bytes_changed from length (recentchange) and rev_size (page_change)", () => {
    const edit = find((e) => e.type === "edit" && (e.length as { old?: number })?.old === 91108);
    expect(toDocument(edit).wikistream.bytes_changed).toBe(91166 - 91108);
    const created = find((e) => e.type === "new");
    expect(toDocument(created).wikistream.bytes_changed).toBe((created.event as RecentChange).length?.new);
    const categorize = find((e) => e.type === "categorize");
    expect(toDocument(categorize).wikistream).not.toHaveProperty("bytes_changed");
    const pageEdit = pageChanges.find((d) => d.event.page_change_kind === "edit")!;
    const prior = (pageEdit.event as unknown as { prior_state: { revision: { rev_size: number } } })
      .prior_state.revision;
    expect(toDocument(pageEdit).wikistream.bytes_changed).toBe(
      (pageEdit.event.revision as unknown as { rev_size: number }).rev_size - prior.rev_size,
    );
    const pageCreate = pageChanges.find((d) => d.event.page_change_kind === "create")!;
    expect(toDocument(pageCreate).wikistream.bytes_changed).toBe(
      (pageCreate.event.revision as unknown as { rev_size: number }).rev_size,
    );
  });

  it("derives language, project and wiki", () => {
    const enwiki = find((e) => e.server_name === "en.wikipedia.org");
    expect(toDocument(enwiki).wikistream).toMatchObject({
      language: "en",
      project: "wikipedia",
      wiki: "enwiki",
    });
    const wikidata = find((e) => e.server_name === "www.wikidata.org");
    expect(toDocument(wikidata).wikistream).toMatchObject({ project: "wikidata", wiki: "wikidatawiki" });
    expect(toDocument(wikidata).wikistream).not.toHaveProperty("language");
    const commons = pageChanges.find((d) => d.event.meta.domain === "commons.wikimedia.org")!;
    expect(toDocument(commons).wikistream).toMatchObject({ project: "commons", wiki: "commonswiki" });
  });

  it("marks IP editors and temporary accounts as anonymous", () => {
    expect(toDocument(find((e) => e.user === "187.131.36.75")).wikistream.is_anonymous).toBe(true);
    expect(toDocument(find((e) => String(e.user).startsWith("2800:150:"))).wikistream.is_anonymous).toBe(
      true,
    );
    expect(toDocument(find((e) => e.user === "Piotrus")).wikistream.is_anonymous).toBe(false);
    const temp = pageChanges.find((d) => d.event.performer?.user_text === "~2026-47061-02")!;
    expect(toDocument(temp).wikistream.is_anonymous).toBe(true);
  });

  it("normalises the polymorphic log_params into an object", () => {
    const array = find((e) => Array.isArray(e.log_params));
    expect(toDocument(array).wikistream).not.toHaveProperty("log_params");
    const object = find((e) => (e.log_params as { userid?: number } | undefined)?.userid === 47019178);
    expect(toDocument(object).wikistream.log_params).toEqual({ userid: 47019178 });
    const asString = {
      ...recentChanges[0]!,
      event: { ...recentChanges[0]!.event, log_params: "x".repeat(5000) },
    };
    expect(toDocument(asString as IndexedEvent).wikistream.log_params).toEqual({ value: "x".repeat(1024) });
    const scalars = { ...recentChanges[0]!, event: { ...recentChanges[0]!.event, log_params: ["a", "b"] } };
    expect(toDocument(scalars as IndexedEvent).wikistream.log_params).toEqual({ value: ["a", "b"] });
  });

  it("wraps a throwing transform in TransformError naming it", () => {
    const failing = {
      ...defaultTransforms,
      "mediawiki.recentchange": [
        ...defaultTransforms["mediawiki.recentchange"],
        {
          name: "boom",
          apply: () => {
            throw new Error("bad field");
          },
        },
      ],
    };
    expect(() => toDocument(recentChanges[0]!, failing)).toThrow(TransformError);
    expect(() => toDocument(recentChanges[0]!, failing)).toThrow(/"boom"/);
  });
});

describe("siteOf", () => {
  it.each([
    ["en.wikipedia.org", { language: "en", project: "wikipedia" }],
    ["en.m.wikipedia.org", { language: "en", project: "wikipedia" }],
    ["zh-min-nan.wikipedia.org", { language: "zh-min-nan", project: "wikipedia" }],
    ["fr.wiktionary.org", { language: "fr", project: "wiktionary" }],
    ["www.wikidata.org", { project: "wikidata" }],
    ["commons.wikimedia.org", { project: "commons" }],
    ["meta.wikimedia.org", { project: "meta" }],
    ["www.mediawiki.org", { project: "mediawiki" }],
    ["canary", { project: "canary" }],
  ])("%s", (host, expected) => {
    expect(siteOf(host)).toEqual(expected);
  });
});

describe("editor kinds", () => {
  it("recognises IP addresses and temporary accounts", () => {
    expect(isIpAddress("87.12.215.232")).toBe(true);
    expect(isIpAddress("2A01:E0A:1C8:9A00:F0C3:F1E2:400B:11B2")).toBe(true);
    expect(isIpAddress("Mr.Ibrahembot")).toBe(false);
    expect(isIpAddress("999.1.1.1")).toBe(false);
    expect(isTemporaryAccount("~2026-47061-02")).toBe(true);
    expect(isTemporaryAccount("Piotrus")).toBe(false);
  });
});
