// OpenSearch Dashboards saved objects as code (deploy/opensearch-dashboards/saved-objects.ndjson):
// every field an object references exists in the mappings the indexer installs for the indices behind
// its index pattern (aggregated fields in every stream's mapping of an all-streams pattern, and of an
// aggregatable type), every index pattern is a read alias, and every reference resolves.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { allAlias, componentTemplates, indexTemplates } from "../apps/indexer/src/index.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const prefix = "wikistream";

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

const objects = readFileSync(join(root, "deploy/opensearch-dashboards/saved-objects.ndjson"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as SavedObject);

type Mapping = { type?: string; properties?: Record<string, Mapping>; fields?: Record<string, Mapping> };

/** `a.b.c` → field type, sub-fields (`title.keyword`) included. */
function flatten(properties: Record<string, Mapping>, path = "", out = new Map<string, string>()) {
  for (const [name, mapping] of Object.entries(properties)) {
    const full = `${path}${name}`;
    if (mapping.properties) flatten(mapping.properties, `${full}.`, out);
    else out.set(full, mapping.type ?? "object");
    for (const [sub, subMapping] of Object.entries(mapping.fields ?? {}))
      out.set(`${full}.${sub}`, subMapping.type ?? "");
  }
  return out;
}

const settings = { prefix, shards: 1, replicas: 0, refreshInterval: "1s" };
const components = new Map(
  componentTemplates(settings).map((component) => {
    const mappings = (component.body.template.mappings ?? {}) as Mapping;
    return [component.name, flatten(mappings.properties ?? {})];
  }),
);
/** Alias → the field types of each index template behind it (one per stream). */
const fieldsByAlias = new Map<string, Map<string, string>[]>();
for (const template of indexTemplates(settings)) {
  const fields = new Map(template.body.composed_of.flatMap((name) => [...(components.get(name) ?? [])]));
  for (const alias of Object.keys(template.body.template.aliases)) {
    fieldsByAlias.set(alias, [...(fieldsByAlias.get(alias) ?? []), fields]);
  }
}

const aggregatable = new Set(["keyword", "date", "long", "integer", "boolean"]);
const byId = (type: string, id: string) => objects.find((object) => object.type === type && object.id === id);

function searchSource(object: SavedObject): { query?: { query?: string } } {
  const meta = object.attributes.kibanaSavedObjectMeta as { searchSourceJSON?: string } | undefined;
  return JSON.parse(meta?.searchSourceJSON ?? "{}");
}

/** The fields an object reads, each with whether it is aggregated (terms, histograms, metrics, sort). */
function referencedFields(object: SavedObject): { field: string; aggregated: boolean }[] {
  const query = searchSource(object).query?.query ?? "";
  const fromQuery = [...query.matchAll(/([\w.]+)\s*:/g)].map((match) => ({
    field: match[1] ?? "",
    aggregated: false,
  }));
  if (object.type === "search") {
    const columns = (object.attributes.columns as string[]).map((field) => ({ field, aggregated: false }));
    const sort = (object.attributes.sort as [string, string][]).map(([field]) => ({
      field,
      aggregated: true,
    }));
    return [...fromQuery, ...columns, ...sort];
  }
  if (object.type === "visualization") {
    const state = JSON.parse(object.attributes.visState as string) as {
      aggs: { params: { field?: string } }[];
    };
    const aggs = state.aggs.flatMap((agg) =>
      agg.params.field ? [{ field: agg.params.field, aggregated: true }] : [],
    );
    return [...fromQuery, ...aggs];
  }
  return fromQuery;
}

function indexPatternOf(object: SavedObject): SavedObject | undefined {
  const reference = object.references.find(
    (ref) => ref.name === "kibanaSavedObjectMeta.searchSourceJSON.index",
  );
  return reference && byId("index-pattern", reference.id);
}

describe("OpenSearch Dashboards saved objects", () => {
  it("has index patterns for the read aliases, timed by a date field every stream has", () => {
    const patterns = objects.filter((object) => object.type === "index-pattern");
    expect(patterns.map((pattern) => pattern.attributes.title).sort()).toEqual(
      [...fieldsByAlias.keys()].sort(),
    );
    expect(fieldsByAlias.has(allAlias(prefix))).toBe(true);
    for (const pattern of patterns) {
      const time = pattern.attributes.timeFieldName as string;
      for (const fields of fieldsByAlias.get(pattern.attributes.title as string) ?? []) {
        expect(fields.get(time), `${pattern.id}: ${time}`).toBe("date");
      }
    }
  });

  it("has a saved search, the four visualizations and a dashboard of them", () => {
    const ids = (type: string) => objects.filter((object) => object.type === type).map((object) => object.id);
    expect(ids("search")).toHaveLength(1);
    expect(ids("visualization").sort()).toEqual([
      "wikistream-bots-vs-humans",
      "wikistream-bytes-changed",
      "wikistream-edits-by-wiki",
      "wikistream-log-actions",
    ]);
    expect(ids("dashboard")).toEqual(["wikistream-edits"]);
  });

  it("resolves every reference, and every dashboard panel to a reference", () => {
    for (const object of objects) {
      for (const reference of object.references) {
        expect(
          byId(reference.type, reference.id),
          `${object.id} → ${reference.type} ${reference.id}`,
        ).toBeDefined();
      }
      if (object.type === "dashboard") {
        const panels = JSON.parse(object.attributes.panelsJSON as string) as { panelRefName: string }[];
        const names = object.references.map((reference) => reference.name);
        expect(panels.map((panel) => panel.panelRefName).sort()).toEqual(names.sort());
      }
    }
  });

  it.each(
    objects
      .filter((object) => object.type === "search" || object.type === "visualization")
      .map((o) => [o.id, o]),
  )("%s references only mapped fields", (_id, object) => {
    const pattern = indexPatternOf(object as SavedObject);
    expect(pattern, "index pattern reference").toBeDefined();
    const streams = fieldsByAlias.get(pattern?.attributes.title as string) ?? [];
    const problems: string[] = [];
    for (const { field, aggregated } of referencedFields(object as SavedObject)) {
      const types = streams.map((fields) => fields.get(field));
      // A field in any stream's mapping can be shown or searched; an aggregated one must be in all of
      // them (else one stream silently falls out of the chart) and have doc values.
      const missing = aggregated
        ? types.some((type) => type === undefined)
        : types.every((t) => t === undefined);
      if (missing) problems.push(`${field}: not in the mappings of ${pattern?.attributes.title}`);
      else if (aggregated && types.some((type) => !aggregatable.has(type ?? "")))
        problems.push(`${field}: ${types.join("/")} cannot be aggregated or sorted`);
    }
    expect(problems).toEqual([]);
  });
});
