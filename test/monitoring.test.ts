// Monitoring as code against a live Prometheus: every dashboard and alert query evaluated by a real
// Prometheus (deploy/prometheus/prometheus.local.yml, alerts.yml) that scrapes a real ingest and
// indexer fed by the replay server. The offline checks are in monitoring-config.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataPanels, expandExpr, loadDashboard } from "./monitoring/dashboard.ts";
import { type LivePipeline, revision, startLivePipeline } from "./monitoring/live.ts";
import { activeTargets, query, ruleGroups } from "./monitoring/prometheus.ts";
import { tools, warnMissingTools } from "./monitoring/tools.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const alertsText = readFileSync(join(root, "deploy/prometheus/alerts.yml"), "utf8");
const dashboard = loadDashboard(join(root, "deploy/grafana/dashboards/wikistream.json"));
const appVersion = (app: string) =>
  (JSON.parse(readFileSync(join(root, "apps", app, "package.json"), "utf8")) as { version: string }).version;
warnMissingTools("monitoring.test.ts", ["prometheus"]);

describe.skipIf(!tools.prometheus)("against a live Prometheus scraping ingest and indexer", () => {
  const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
  const opensearchUrl = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
  let pipeline: LivePipeline | undefined;
  const prometheusUrl = () => pipeline?.prometheusUrl ?? "";
  const withIndexer = () => pipeline?.withIndexer ?? false;
  const apps = () => (withIndexer() ? ["indexer", "ingest"] : ["ingest"]);

  beforeAll(async () => {
    pipeline = await startLivePipeline({
      root,
      prometheusBin: tools.prometheus ?? "prometheus",
      brokers,
      opensearchUrl,
    });
  }, 120_000);

  afterAll(() => pipeline?.stop(), 60_000);

  it("scrapes every target", async () => {
    const targets = await activeTargets(prometheusUrl());
    expect(targets.length).toBe(withIndexer() ? 2 : 1);
    expect(targets.filter((target) => target.health !== "up")).toEqual([]);
  });

  it("labels every wikistream series with its target's job and app, set by the scrape config", async () => {
    const byTarget = await query(prometheusUrl(), 'count by (job, app) ({__name__=~"wikistream_.+"})');
    expect(byTarget.data?.result.map(({ metric }) => `${metric.job} ${metric.app}`).sort()).toEqual(
      apps().map((app) => `wikistream-${app} ${app}`),
    );
    const unlabelled = await query(prometheusUrl(), 'count({__name__=~"wikistream_.+", app=""})');
    expect(unlabelled.data?.result).toEqual([]);
  });

  it("shows each app's build in wikistream_build_info", async () => {
    const response = await query(prometheusUrl(), "wikistream_build_info");
    const builds = (response.data?.result ?? []).map(
      ({ metric, value }): Record<string, string> => ({ ...metric, value: value?.[1] ?? "" }),
    );
    expect(builds.sort((a, b) => (a.app ?? "").localeCompare(b.app ?? ""))).toEqual(
      apps().map((app) => ({
        __name__: "wikistream_build_info",
        job: `wikistream-${app}`,
        app,
        instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        version: appVersion(app),
        revision,
        runtime: "node",
        runtime_version: process.versions.node,
        value: "1",
      })),
    );
  });

  it("has the default process metrics under their standard names, one series per target", async () => {
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
    ]) {
      const response = await query(prometheusUrl(), `count by (app) (${name}{job=~"wikistream-.*"})`);
      expect(response.data?.result.map(({ metric }) => metric.app).sort(), name).toEqual(apps());
    }
  });

  it("evaluates every dashboard query; all but the failure panels have data", async () => {
    const failures: string[] = [];
    const empty: string[] = [];
    for (const panel of dataPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const expr = expandExpr(target.expr ?? "", dashboard);
        const response = await query(prometheusUrl(), expr);
        if (response.status !== "success")
          failures.push(`"${panel.title}" ${target.refId}: ${response.error}`);
        else if (response.data?.result.length === 0) empty.push(`"${panel.title}" ${target.refId}: ${expr}`);
      }
    }
    expect(failures).toEqual([]);
    // A healthy run has no dead letters, drops, reconnects or errors; everything else, events published
    // and documents indexed first, must show data (empty means a wrong metric or label name).
    const mayBeEmpty = withIndexer()
      ? /dead_lettered|dropped|reconnects|errors_total|result!="indexed"/
      : /dead_lettered|dropped|reconnects|errors_total|wikistream_indexer_|result!="indexed"/;
    expect(empty.filter((entry) => !mayBeEmpty.test(entry))).toEqual([]);
  });

  it("loads and evaluates every alert rule without error", async () => {
    const rules = (await ruleGroups(prometheusUrl())).flatMap((group) => group.rules);
    const names = [...alertsText.matchAll(/- alert: (\w+)/g)].map((match) => match[1]);
    expect(rules.map((rule) => rule.name).sort()).toEqual(names.sort());
    expect(
      rules.filter((rule) => rule.health !== "ok").map((rule) => `${rule.name}: ${rule.lastError}`),
    ).toEqual([]);
    for (const rule of rules) {
      const response = await query(prometheusUrl(), rule.query);
      expect(response.status, `${rule.name}: ${response.error}`).toBe("success");
    }
  });

  it("raises no availability alert for a healthy pipeline", async () => {
    const active = (await ruleGroups(prometheusUrl()))
      .flatMap((group) => group.rules)
      .filter((rule) => rule.state !== "inactive")
      .map((rule) => rule.name);
    const availability = [
      "WikistreamIngestDown",
      "WikistreamIngestStreamDisconnected",
      "WikistreamIngestKafkaStalled",
      ...(withIndexer()
        ? ["WikistreamIndexerDown", "WikistreamIndexerNoneUp", "WikistreamNothingIndexed"]
        : []),
    ];
    expect(active.filter((name) => availability.includes(name))).toEqual([]);
  });
});
