import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const suffixes: Record<string, readonly string[]> = {
  Counter: [""],
  Gauge: [""],
  Histogram: ["_bucket", "_sum", "_count"],
  Summary: ["", "_sum", "_count"],
};

/** The `.ts` files that declare metrics: each app's src/metrics.ts and packages/metrics (build info). */
function metricSources(root: string): string[] {
  const apps = readdirSync(join(root, "apps")).map((app) => join(root, "apps", app, "src", "metrics.ts"));
  const shared = join(root, "packages", "metrics", "src");
  const packageFiles = readdirSync(shared)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => join(shared, file));
  return [...apps, ...packageFiles];
}

/** Every `wikistream_*` series name the code declares, histogram series included. */
export function declaredSeriesNames(root: string): Set<string> {
  const names = new Set<string>();
  for (const path of metricSources(root)) {
    let source: string;
    try {
      source = readFileSync(path, "utf8");
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

/**
 * `wikistream_*` names in `text` that nothing declares. The default process metrics (process_*,
 * nodejs_*) are prom-client's, unprefixed; the live test shows whether they have data.
 */
export function undeclaredMetricNames(text: string, declared: ReadonlySet<string>): string[] {
  const used = new Set(text.match(/\bwikistream_[a-z0-9_]+/g) ?? []);
  return [...used].filter((name) => !declared.has(name));
}
