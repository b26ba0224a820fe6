import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** prom-client's default process and Node.js metrics, prefixed by the registry (packages/metrics). */
const defaultMetricPrefixes = ["wikistream_process_", "wikistream_nodejs_"];

const suffixes: Record<string, readonly string[]> = {
  Counter: [""],
  Gauge: [""],
  Histogram: ["_bucket", "_sum", "_count"],
  Summary: ["", "_sum", "_count"],
};

/** Every series name the apps declare in apps/<app>/src/metrics.ts, histogram series included. */
export function declaredSeriesNames(root: string): Set<string> {
  const names = new Set<string>();
  for (const app of readdirSync(join(root, "apps"))) {
    let source: string;
    try {
      source = readFileSync(join(root, "apps", app, "src", "metrics.ts"), "utf8");
    } catch {
      continue; // an app without metrics
    }
    for (const [, kind = "", name = ""] of source.matchAll(
      /new (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*"([^"]+)"/g,
    )) {
      for (const suffix of suffixes[kind] ?? []) names.add(`${name}${suffix}`);
    }
  }
  return names;
}

/** `wikistream_*` names in `text` that no app declares (and that are not default process metrics). */
export function undeclaredMetricNames(text: string, declared: ReadonlySet<string>): string[] {
  const used = new Set(text.match(/\bwikistream_[a-z0-9_]+/g) ?? []);
  return [...used].filter(
    (name) => !declared.has(name) && !defaultMetricPrefixes.some((prefix) => name.startsWith(prefix)),
  );
}
