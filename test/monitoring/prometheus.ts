import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface QueryResponse {
  status: "success" | "error";
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value?: [number, string] }[] };
}

export interface RuleGroup {
  name: string;
  rules: {
    name: string;
    query: string;
    type: "alerting" | "recording";
    health: "ok" | "err" | "unknown";
    lastError?: string;
    state?: "inactive" | "pending" | "firing";
  }[];
}

/** GET /api/v1/query; Prometheus answers bad queries with 400 and the same JSON shape. */
export async function query(baseUrl: string, expr: string): Promise<QueryResponse> {
  const response = await fetch(`${baseUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  return (await response.json()) as QueryResponse;
}

export async function ruleGroups(baseUrl: string): Promise<RuleGroup[]> {
  const response = await fetch(`${baseUrl}/api/v1/rules`);
  return ((await response.json()) as { data: { groups: RuleGroup[] } }).data.groups;
}

export async function activeTargets(baseUrl: string): Promise<{ scrapeUrl: string; health: string }[]> {
  const response = await fetch(`${baseUrl}/api/v1/targets?state=active`);
  return ((await response.json()) as { data: { activeTargets: { scrapeUrl: string; health: string }[] } })
    .data.activeTargets;
}

/**
 * deploy/prometheus/prometheus.local.yml and alerts.yml copied into `dir` as they are, with faster
 * intervals (the test cannot wait for 10 s scrapes) and the targets files naming the given addresses.
 * Returns the config path.
 */
export function writeLocalConfig(
  sourceDir: string,
  dir: string,
  targets: { ingest: string[]; indexer: string[] },
): string {
  let config = readFileSync(join(sourceDir, "prometheus.local.yml"), "utf8");
  for (const [from, to] of [
    ["scrape_interval: 10s", "scrape_interval: 2s"],
    ["scrape_timeout: 5s", "scrape_timeout: 1s"],
    ["evaluation_interval: 10s", "evaluation_interval: 2s"],
  ] as const) {
    if (!config.includes(from)) throw new Error(`prometheus.local.yml has no "${from}" any more`);
    config = config.replace(from, to);
  }
  writeFileSync(join(dir, "prometheus.yml"), config);
  copyFileSync(join(sourceDir, "alerts.yml"), join(dir, "alerts.yml"));
  mkdirSync(join(dir, "targets"), { recursive: true });
  // JSON is YAML: the same file_sd format the checked-in targets files use.
  writeFileSync(join(dir, "targets", "ingest.local.yml"), JSON.stringify([{ targets: targets.ingest }]));
  writeFileSync(join(dir, "targets", "indexer.local.yml"), JSON.stringify([{ targets: targets.indexer }]));
  return join(dir, "prometheus.yml");
}
