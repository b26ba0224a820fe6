// Monitoring as code, checked offline (deploy/prometheus, deploy/grafana, deploy/alertmanager,
// deploy/k8s, docker-compose.yml): promtool/amtool/docker-compose, the dashboard's structure, metric
// names against the code that declares them, and the target labels every scrape config sets.
// test/monitoring.test.ts runs the same files against a live Prometheus.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dataPanels, expandExpr, loadDashboard } from "./monitoring/dashboard.ts";
import { declaredSeriesNames, undeclaredMetricNames } from "./monitoring/metric-names.ts";
import { ci, requiredInCi, run, toolPackages, tools, warnMissingTools } from "./monitoring/tools.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const prometheusDir = join(root, "deploy/prometheus");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const alertsText = read("deploy/prometheus/alerts.yml");
const dashboard = loadDashboard(join(root, "deploy/grafana/dashboards/wikistream.json"));
warnMissingTools("monitoring-config.test.ts", ["promtool", "amtool", "compose"]);

interface Relabel {
  source_labels?: string[];
  target_label?: string;
  replacement?: string;
}
interface ScrapeConfig {
  job_name: string;
  relabel_configs?: Relabel[];
}
const scrapeConfigs = (file: string) =>
  (parse(read(`deploy/prometheus/${file}`)) as { scrape_configs: ScrapeConfig[] }).scrape_configs;

describe("monitoring config", () => {
  it.runIf(ci)("has its tools installed (CI)", () => {
    const missing = requiredInCi.filter((tool) => tools[tool] === undefined);
    expect(missing.map((tool) => `${tool}: apt-get install -y ${toolPackages[tool]}`)).toEqual([]);
  });

  it.skipIf(!tools.promtool)(
    "promtool accepts the Prometheus configs, the rules and their unit tests",
    () => {
      for (const args of [
        ["check", "config", "prometheus.local.yml", "prometheus.compose.yml"],
        ["check", "rules", "alerts.yml"],
        ["test", "rules", "alerts.test.yml"],
      ]) {
        const result = run(tools.promtool ?? "promtool", args, prometheusDir);
        expect(result.ok, result.output).toBe(true);
      }
      // Debian's Prometheus is built without Kubernetes discovery: there promtool cannot read this one.
      const k8s = run(
        tools.promtool ?? "promtool",
        ["check", "config", "prometheus.kubernetes.yml"],
        prometheusDir,
      );
      if (k8s.output.includes("field kubernetes_sd_configs not found")) {
        console.warn(
          "monitoring-config.test.ts: this promtool has no kubernetes_sd; prometheus.kubernetes.yml unchecked",
        );
      } else {
        expect(k8s.ok, k8s.output).toBe(true);
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

  it("every wikistream_* metric the dashboard and the alerts use is declared in the code", () => {
    const declared = declaredSeriesNames(root);
    expect(declared).toContain("wikistream_build_info");
    const exprs = dataPanels(dashboard)
      .flatMap((panel) => panel.targets ?? [])
      .map((target) => target.expr ?? "");
    expect(undeclaredMetricNames(exprs.join("\n"), declared)).toEqual([]);
    expect(undeclaredMetricNames(alertsText, declared)).toEqual([]);
  });

  it("selects the unprefixed process metrics by job, since Prometheus exports its own under the same names", () => {
    const exprs = [
      ...dataPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? "")),
      ...(parse(alertsText) as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((group) =>
        group.rules.map((rule) => rule.expr),
      ),
    ];
    const unselected = exprs.filter(
      (expr) =>
        /\b(process|nodejs)_[a-z_]+\{/.test(expr) &&
        !/\b(process|nodejs)_[a-z_]+\{job=~"wikistream-\.\*"/.test(expr),
    );
    expect(unselected).toEqual([]);
  });
});

describe("target labels", () => {
  it.each(["prometheus.local.yml", "prometheus.compose.yml"])(
    "%s sets app on each wikistream job",
    (file) => {
      const jobs = scrapeConfigs(file).filter((job) => job.job_name.startsWith("wikistream-"));
      expect(jobs.map((job) => job.job_name).sort()).toEqual(["wikistream-indexer", "wikistream-ingest"]);
      for (const job of jobs) {
        const app = job.job_name.replace("wikistream-", "");
        expect(job.relabel_configs, job.job_name).toContainEqual({ target_label: "app", replacement: app });
      }
    },
  );

  it("prometheus.kubernetes.yml takes job and app from the pods' labels", () => {
    const relabels = scrapeConfigs("prometheus.kubernetes.yml").flatMap((job) => job.relabel_configs ?? []);
    expect(relabels).toContainEqual({
      source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
      target_label: "job",
    });
    expect(relabels).toContainEqual({
      source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
      target_label: "app",
    });
  });

  it("the ServiceMonitor sets app from the Services' component label", () => {
    const monitor = parse(read("deploy/k8s/components/servicemonitor/service-monitor.yaml")) as {
      spec: { endpoints: { relabelings?: { sourceLabels?: string[]; targetLabel?: string }[] }[] };
    };
    for (const endpoint of monitor.spec.endpoints) {
      expect(endpoint.relabelings).toContainEqual({
        sourceLabels: ["__meta_kubernetes_service_label_app_kubernetes_io_component"],
        targetLabel: "app",
      });
    }
    for (const [app, file] of [
      ["ingest", "ingest.yaml"],
      ["indexer", "indexer.yaml"],
    ]) {
      expect(read(`deploy/k8s/base/${file}`)).toContain(`app.kubernetes.io/component: ${app}`);
    }
  });
});
