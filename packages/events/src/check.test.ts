import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileCheck } from "./check.ts";
import { streams } from "./streams.ts";
import { validateEvent } from "./validate.ts";

const sharedData =
  process.env.WIKISTREAM_SHARED_DATA ??
  new URL("../../../../shared/data/wikimedia/", import.meta.url).pathname;

/** Every JSON value recorded in the shared data: NDJSON lines and the data lines of SSE captures. */
function recordedValues(): { file: string; value: unknown }[] {
  const files = [
    ...readdirSync(sharedData).map((f) => f),
    ...readdirSync(`${sharedData}/more`).map((f) => `more/${f}`),
  ].filter((f) => f.endsWith(".ndjson") || f.endsWith(".sse"));
  return files.flatMap((file) => {
    const lines = readFileSync(`${sharedData}/${file}`, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    const data = file.endsWith(".sse")
      ? lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6))
      : lines;
    return data.map((line) => ({ file, value: JSON.parse(line) as unknown }));
  });
}

const recorded = recordedValues();
const schemas = Object.entries(streams);
const compiled = schemas.map(([name, schema]) => ({ name, schema, check: compileCheck(schema) }));

/** The verdicts that differ between the compiled check and zod's safeParse, for a report. */
function disagreements(values: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const { name, schema, check } of compiled) {
      const zod = schema.safeParse(value).success;
      if (check(value) !== zod) out.push(`${name}: zod ${zod}, check ${!zod} for ${JSON.stringify(value)}`);
    }
  }
  return out;
}

const wrongValues: unknown[] = [null, "x", "", 0, 1.5, -1, true, [], {}, [1], { a: 1 }, 2 ** 60];

/** Each field of `value` (nested, arrays too) replaced by each wrong value, and each field removed. */
function mutations(value: unknown, depth = 0): unknown[] {
  if (depth > 3 || typeof value !== "object" || value === null) return [];
  const out: unknown[] = [];
  const entries = Object.entries(value);
  const rebuild = (key: string, replacement: unknown, remove = false) => {
    if (Array.isArray(value)) return value.map((v, i) => (String(i) === key ? replacement : v));
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (remove) delete copy[key];
    else copy[key] = replacement;
    return copy;
  };
  for (const [key, field] of entries) {
    for (const wrong of wrongValues) out.push(rebuild(key, wrong));
    if (!Array.isArray(value)) out.push(rebuild(key, undefined, true));
    for (const inner of mutations(field, depth + 1)) out.push(rebuild(key, inner));
  }
  return out;
}

describe("compileCheck agrees with the zod schemas", () => {
  it(`on every recorded event (${recorded.length}), for every stream's schema`, () => {
    expect(recorded.length).toBeGreaterThan(2900);
    expect(disagreements(recorded.map((r) => r.value))).toEqual([]);
  });

  it("on every recorded event, zod's output is a deep-equal copy (so returning the input is the same)", () => {
    for (const { schema } of compiled) {
      for (const { value } of recorded) {
        const result = schema.safeParse(value);
        if (result.success) expect(result.data).toEqual(value);
      }
    }
  });

  it("on every field of sampled events mutated to a wrong type, removed, or nested wrong", () => {
    // Per file: the first events and a few spread out, so every recording's shapes are mutated.
    const files = [...new Set(recorded.map((r) => r.file))];
    const sample = files.flatMap((file) =>
      recorded.filter((r) => r.file === file).filter((_, i) => i < 4 || i % 400 === 0),
    );
    const mutated = sample.flatMap((r) => mutations(r.value));
    expect(mutated.length).toBeGreaterThan(10_000);
    expect(disagreements(mutated)).toEqual([]);
  });

  it("on values that are not objects at all, and on meta.dt and meta.id edge cases", () => {
    const [first] = recorded.filter((r) => r.file === "recentchange-enwiki-2023-07.ndjson");
    const real = first!.value as { meta: Record<string, unknown> };
    const metas = [
      { dt: "2023-07-29" },
      { dt: "2023-07-29T07:51:39+00:00" },
      { dt: "2023-07-29T99:99:99Z" },
      { id: "0416300B-980C-45BB-B0A2-C9D7A9E2B7EB" },
      { id: "0416300b-980c-45bb-b0a2-c9d7a9e2b7ebx" },
      { stream: "" },
    ].map((patch) => ({ ...real, meta: { ...real.meta, ...patch } }));
    expect(disagreements([null, undefined, 1, "x", [], [real], ...metas])).toEqual([]);
  });
});

describe("validateEvent with the compiled checks", () => {
  it("returns the value itself, not a copy", () => {
    const { value } = recorded.find((r) => r.file === "recentchange-enwiki-2023-07.ndjson")!;
    const result = validateEvent("mediawiki.recentchange", value);
    expect(result.ok && result.event).toBe(value);
  });
});

describe("compileCheck refuses what it cannot check exactly", () => {
  it.each([
    ["a stripping object", z.object({ a: z.string() })],
    ["a strict object", z.strictObject({ a: z.string() })],
    ["an email format", z.looseObject({ a: z.email() })],
    ["a transform", z.looseObject({ a: z.string().transform((s) => s.length) })],
    ["a default", z.looseObject({ a: z.string().default("x") })],
    ["a max length", z.looseObject({ a: z.string().max(3) })],
    ["a uuid format", z.looseObject({ a: z.uuid() })],
    ["a literal", z.looseObject({ a: z.literal("x") })],
  ])("%s", (_, schema) => {
    expect(() => compileCheck(schema)).toThrow(/compileCheck/);
  });
});
