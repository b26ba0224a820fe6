import { describe, expect, it } from "vitest";
import { componentTemplates, indexTemplates } from "./templates.ts";

const settings = { prefix: "wikistream", shards: 1, replicas: 0, refreshInterval: "5s" };

type Props = Record<string, { type?: string; properties?: Props; enabled?: boolean; format?: string }>;
function mappingOf(name: string): { dynamic: boolean; properties: Props } {
  const template = componentTemplates(settings).find((t) => t.name === name)!;
  return template.body.template.mappings as { dynamic: boolean; properties: Props };
}

describe("index templates", () => {
  it("compose settings, common and per-stream mappings, with read aliases", () => {
    expect(indexTemplates(settings)).toEqual([
      expect.objectContaining({
        name: "wikistream-recentchange",
        body: expect.objectContaining({
          index_patterns: ["wikistream-recentchange-*"],
          composed_of: [
            "wikistream-settings",
            "wikistream-common-mappings",
            "wikistream-recentchange-mappings",
          ],
          template: { aliases: { "wikistream-recentchange": {}, "wikistream-all": {} } },
        }),
      }),
      expect.objectContaining({
        name: "wikistream-page_change",
        body: expect.objectContaining({ index_patterns: ["wikistream-page_change-*"] }),
      }),
    ]);
  });

  it("carry shards, replicas and the configured refresh interval", () => {
    const [settingsTemplate] = componentTemplates(settings);
    expect(settingsTemplate!.body.template).toEqual({
      settings: { index: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: "5s" } },
    });
  });

  it("map explicitly, never dynamically", () => {
    for (const name of [
      "wikistream-common-mappings",
      "wikistream-recentchange-mappings",
      "wikistream-page_change-mappings",
    ]) {
      expect(mappingOf(name).dynamic).toBe(false);
    }
  });

  it("map the polymorphic log_params so no shape is rejected, and dates as dates", () => {
    const rc = mappingOf("wikistream-recentchange-mappings").properties;
    expect(rc.log_params).toEqual({ type: "object", enabled: false });
    expect(rc.timestamp).toEqual({ type: "date", format: "epoch_second" });
    expect(rc.meta!.properties!.dt!.type).toBe("date");
    expect(rc.meta!.properties!.id!.type).toBe("keyword");
    expect(rc.comment!.type).toBe("text");
    const common = mappingOf("wikistream-common-mappings").properties;
    expect(common.wikistream!.properties!.log_params).toEqual({ type: "flat_object" });
    const pc = mappingOf("wikistream-page_change-mappings").properties;
    expect(pc.revision!.properties!.content_slots).toEqual({ type: "flat_object" });
    expect(pc.dt!.type).toBe("date");
    expect(pc.performer!.properties!.registration_dt!.type).toBe("date");
  });

  it("cap every keyword so an immense value never fails a document", () => {
    const keywords: string[] = [];
    const walk = (props: Props, path: string) => {
      for (const [name, field] of Object.entries(props)) {
        if (field.properties) walk(field.properties, `${path}${name}.`);
        const f = field as { type?: string; ignore_above?: number; index?: boolean; fields?: Props };
        if (f.type === "keyword" && f.index !== false && !f.ignore_above) keywords.push(`${path}${name}`);
        if (f.fields) walk(f.fields, `${path}${name}.`);
      }
    };
    for (const t of componentTemplates(settings)) {
      const mappings = t.body.template.mappings as { properties?: Props } | undefined;
      if (mappings?.properties) walk(mappings.properties, "");
    }
    expect(keywords).toEqual([]);
  });
});
