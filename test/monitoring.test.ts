// Monitoring as code (deploy/prometheus, deploy/grafana, deploy/alertmanager, docker-compose.yml):
// static checks with promtool/amtool/docker-compose, the dashboard's structure, metric names against
// the apps' metrics.ts, and every dashboard and alert query evaluated by a real Prometheus that
// scrapes a real ingest and indexer fed by the replay server.
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ReplayServer, recordingPath, startReplayServer } from "@wikistream/replay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteKafkaResources, deleteOpenSearchResources } from "./monitoring/cleanup.ts";
import { dataPanels, expandExpr, loadDashboard } from "./monitoring/dashboard.ts";
import { declaredSeriesNames, undeclaredMetricNames } from "./monitoring/metric-names.ts";
import { freePort, type Spawned, startProcess, stopProcess, waitUntil } from "./monitoring/processes.ts";
import { activeTargets, query, ruleGroups, writeLocalConfig } from "./monitoring/prometheus.ts";
import { run, which } from "./monitoring/tools.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const prometheusDir = join(root, "deploy/prometheus");
const alertsText = readFileSync(join(prometheusDir, "alerts.yml"), "utf8");
const dashboard = loadDashboard(join(root, "deploy/grafana/dashboards/wikistream.json"));

// promtool and prometheus come from the Debian package `prometheus`, amtool from
// `prometheus-alertmanager`: CI must have them. docker-compose (package `docker-compose`) is optional.
const tools = {
  promtool: which("promtool"),
  prometheus: which("prometheus"),
  amtool: which("amtool"),
  compose: which("docker-compose"),
};
const packages = {
  promtool: "prometheus",
  prometheus: "prometheus",
  amtool: "prometheus-alertmanager",
  compose: "docker-compose",
};
const requiredInCi = ["promtool", "prometheus", "amtool"] as const;
const ci = Boolean(process.env.CI);
for (const tool of Object.keys(tools) as (keyof typeof tools)[]) {
  if (tools[tool] === undefined && !(ci && requiredInCi.some((name) => name === tool))) {
    console.warn(
      `monitoring.test.ts: skipping ${tool} checks (not installed: apt-get install -y ${packages[tool]})`,
    );
  }
}

describe("monitoring config", () => {
  it.runIf(ci)("has its tools installed (CI)", () => {
    const missing = requiredInCi.filter((tool) => tools[tool] === undefined);
    expect(missing.map((tool) => `${tool}: apt-get install -y ${packages[tool]}`)).toEqual([]);
  });

  it.skipIf(!tools.promtool)(
    "promtool accepts both Prometheus configs, the rules and their unit tests",
    () => {
      for (const args of [
        ["check", "config", "prometheus.local.yml", "prometheus.compose.yml"],
        ["check", "rules", "alerts.yml"],
        ["test", "rules", "alerts.test.yml"],
      ]) {
        const result = run(tools.promtool ?? "promtool", args, prometheusDir);
        expect(result.ok, result.output).toBe(true);
      }
    },
  );

  it.skipIf(!tools.amtool)("amtool accepts the Alertmanager config", () => {
    const result = run(
      tools.amtool ?? "amtool",
      ["check-config", "deploy/alertmanager/alertmanager.yml"],
      root,
    );
    expect(result.ok, result.output).toBe(true);
  });

  it.skipIf(!tools.compose)("docker-compose accepts docker-compose.yml, with and without profiles", () => {
    for (const args of [
      ["config", "-q"],
      ["--profile", "replay", "config", "-q"],
    ]) {
      const result = run(tools.compose ?? "docker-compose", ["-f", "docker-compose.yml", ...args], root);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it("dashboard: unique panel ids, a Prometheus datasource and a query on every panel", () => {
    const ids = dashboard.panels
      .flatMap((panel) => [panel, ...(panel.panels ?? [])])
      .map((panel) => panel.id);
    expect(new Set(ids).size, "duplicate panel ids").toBe(ids.length);
    expect(dashboard.templating?.list).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }),
    );
    for (const panel of dataPanels(dashboard)) {
      const where = `panel ${panel.id} "${panel.title}"`;
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
      expect(panel.datasource, where).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(panel.targets?.length, where).toBeGreaterThan(0);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(new Set(refIds).size, `${where}: duplicate refIds`).toBe(refIds.length);
      for (const target of panel.targets ?? []) {
        expect(target.expr, where).toMatch(/\S/);
        expect(() => expandExpr(target.expr ?? "", dashboard), where).not.toThrow();
      }
      const { x = 0, w = 0 } = panel.gridPos ?? {};
      expect(x + w, `${where}: wider than the grid`).toBeLessThanOrEqual(24);
    }
  });

  it("every metric the dashboard and the alerts use is declared in apps/*/src/metrics.ts", () => {
    const declared = declaredSeriesNames(root);
    const exprs = dataPanels(dashboard)
      .flatMap((panel) => panel.targets ?? [])
      .map((target) => target.expr ?? "");
    expect(undeclaredMetricNames(exprs.join("\n"), declared)).toEqual([]);
    expect(undeclaredMetricNames(alertsText, declared)).toEqual([]);
  });
});

describe.skipIf(!tools.prometheus)("against a live Prometheus scraping ingest and indexer", () => {
  const id = randomUUID().slice(0, 8);
  const topicPrefix = `mon-${id}.`;
  const topic = `${topicPrefix}mediawiki.recentchange`;
  const indexPrefix = `mon-${id}`;
  const groupId = `mon-${id}-indexer`;
  const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
  const opensearchUrl = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
  const withIndexer = existsSync(join(root, "apps/indexer/src/main.ts"));
  const processes: Spawned[] = [];
  let replay: ReplayServer | undefined;
  let prometheusUrl = "";
  let dir = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "wikistream-monitoring-"));
    // Looping at 20x the recorded pace: a steady few events a second for as long as the test runs.
    replay = await startReplayServer({
      files: [recordingPath("recentchange-enwiki-2023-07.ndjson")],
      pace: 20,
      loop: true,
    });
    const [ingestPort, indexerPort, prometheusPort] = [await freePort(), await freePort(), await freePort()];
    const common = { KAFKA_BROKERS: brokers.join(","), OPENSEARCH_URL: opensearchUrl };
    processes.push(
      startProcess("ingest", process.execPath, ["apps/ingest/src/main.ts"], {
        cwd: root,
        env: {
          ...common,
          INGEST_STREAM_URL: `${replay.url}/v2/stream`,
          INGEST_TOPIC_PREFIX: topicPrefix,
          INGEST_DLQ_TOPIC: `${topicPrefix}ingest.dlq`,
          INGEST_HTTP_PORT: String(ingestPort),
          INGEST_LOG_LEVEL: "warn",
        },
      }),
    );
    if (withIndexer) {
      processes.push(
        startProcess("indexer", process.execPath, ["apps/indexer/src/main.ts"], {
          cwd: root,
          env: {
            ...common,
            INDEXER_TOPICS: topic,
            INDEXER_TOPIC_PREFIX: topicPrefix,
            INDEXER_DLQ_TOPIC: `${topicPrefix}indexer.dlq`,
            INDEXER_GROUP_ID: groupId,
            INDEXER_INDEX_PREFIX: indexPrefix,
            INDEXER_INDEX_REPLICAS: "0",
            // The recordings reach back to 2020: older than the live default's horizon.
            INDEXER_EVENT_MAX_AGE_DAYS: "36600",
            INDEXER_HTTP_PORT: String(indexerPort),
            INDEXER_LOG_LEVEL: "warn",
          },
        }),
      );
    }
    const config = writeLocalConfig(prometheusDir, dir, {
      ingest: [`127.0.0.1:${ingestPort}`],
      indexer: withIndexer ? [`127.0.0.1:${indexerPort}`] : [],
    });
    processes.push(
      startProcess(
        "prometheus",
        tools.prometheus ?? "prometheus",
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
          "--log.level=warn",
        ],
        { cwd: dir },
      ),
    );
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    const hasRate = async (expr: string) =>
      Number((await query(prometheusUrl, expr)).data?.result[0]?.value?.[1] ?? 0) > 0;
    await waitUntil(() => hasRate("sum(rate(wikistream_ingest_events_published_total[1m]))"), {
      timeoutMs: 60_000,
      what: "a published-events rate in Prometheus",
      processes,
    });
    if (withIndexer) {
      await waitUntil(() => hasRate('sum(rate(wikistream_indexer_documents_total{result="indexed"}[1m]))'), {
        timeoutMs: 60_000,
        what: "an indexed-documents rate in Prometheus",
        processes,
      });
    }
    // One more rule evaluation round with all the data present.
    await new Promise((resolve) => setTimeout(resolve, 4000));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => stopProcess(p)));
    await replay?.close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
    await deleteKafkaResources(
      brokers,
      [topic, `${topicPrefix}ingest.dlq`, `${topicPrefix}indexer.dlq`],
      groupId,
    );
    await deleteOpenSearchResources(opensearchUrl, indexPrefix);
  }, 60_000);

  it("scrapes every target", async () => {
    const targets = await activeTargets(prometheusUrl);
    expect(targets.length).toBe(withIndexer ? 2 : 1);
    expect(targets.filter((target) => target.health !== "up")).toEqual([]);
  });

  it("evaluates every dashboard query; all but the failure panels have data", async () => {
    const failures: string[] = [];
    const empty: string[] = [];
    for (const panel of dataPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const expr = expandExpr(target.expr ?? "", dashboard);
        const response = await query(prometheusUrl, expr);
        if (response.status !== "success")
          failures.push(`"${panel.title}" ${target.refId}: ${response.error}`);
        else if (response.data?.result.length === 0) empty.push(`"${panel.title}" ${target.refId}: ${expr}`);
      }
    }
    expect(failures).toEqual([]);
    // A healthy run has no dead letters, drops, reconnects or errors; everything else, events published
    // and documents indexed first, must show data (empty means a wrong metric or label name).
    const mayBeEmpty = withIndexer
      ? /dead_lettered|dropped|reconnects|errors_total|result!="indexed"/
      : /dead_lettered|dropped|reconnects|errors_total|wikistream_indexer_|result!="indexed"/;
    expect(empty.filter((entry) => !mayBeEmpty.test(entry))).toEqual([]);
  });

  it("loads and evaluates every alert rule without error", async () => {
    const rules = (await ruleGroups(prometheusUrl)).flatMap((group) => group.rules);
    const names = [...alertsText.matchAll(/- alert: (\w+)/g)].map((match) => match[1]);
    expect(rules.map((rule) => rule.name).sort()).toEqual(names.sort());
    expect(
      rules.filter((rule) => rule.health !== "ok").map((rule) => `${rule.name}: ${rule.lastError}`),
    ).toEqual([]);
    for (const rule of rules) {
      const response = await query(prometheusUrl, rule.query);
      expect(response.status, `${rule.name}: ${response.error}`).toBe("success");
    }
  });

  it("raises no availability alert for a healthy pipeline", async () => {
    const active = (await ruleGroups(prometheusUrl))
      .flatMap((group) => group.rules)
      .filter((rule) => rule.state !== "inactive")
      .map((rule) => rule.name);
    const availability = [
      "WikistreamIngestDown",
      "WikistreamIngestStreamDisconnected",
      "WikistreamIngestKafkaStalled",
      ...(withIndexer
        ? ["WikistreamIndexerDown", "WikistreamIndexerNoneUp", "WikistreamNothingIndexed"]
        : []),
    ];
    expect(active.filter((name) => availability.includes(name))).toEqual([]);
  });
});
