import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ingestEnvSchema } from "./config.ts";

// The README's configuration table and .env.example document src/config.ts; this keeps them honest.
const appDir = new URL("../", import.meta.url);
const variables = Object.keys(ingestEnvSchema.shape).sort();
const parseDefault = (name: string, raw: string | undefined) =>
  ingestEnvSchema.shape[name as keyof typeof ingestEnvSchema.shape].parse(raw);

function readmeDefaults(): Map<string, string | undefined> {
  const readme = readFileSync(new URL("README.md", appDir), "utf8");
  const rows = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (`([^`]*)`|\(unset\)) \|/gm)];
  return new Map(rows.map((row) => [row[1]!, row[3]]));
}

function envExampleDefaults(): Map<string, string | undefined> {
  const text = readFileSync(new URL(".env.example", appDir), "utf8");
  const entries = new Map<string, string | undefined>();
  for (const line of text.split("\n")) {
    const set = /^([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
    if (set) entries.set(set[1]!, set[2]!.replace(/^"(.*)"$/, "$1"));
    // Optional variables appear commented out, with an example value.
    const optional = /^# ([A-Z][A-Z0-9_]+)=/.exec(line);
    if (optional) entries.set(optional[1]!, undefined);
  }
  return entries;
}

describe.each([
  ["README.md", readmeDefaults],
  [".env.example", envExampleDefaults],
])("%s", (_file, read) => {
  it("lists every variable of src/config.ts, and no other", () => {
    expect([...read().keys()].sort()).toEqual(variables);
  });

  it("gives each variable the default src/config.ts applies", () => {
    for (const [name, documented] of read()) {
      expect(parseDefault(name, documented), name).toEqual(parseDefault(name, undefined));
    }
  });
});
