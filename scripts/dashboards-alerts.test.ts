// Grafana shows the alerts: the Prometheus datasource exposes its rules, an Alertmanager datasource
// (upstream implementation) holds what fired, the dashboard has an alert list that matches every rule,
// and every rule's runbook_url points at an existing section of deploy/runbooks/README.md.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => readFileSync(join(root, path), "utf8");

interface Rule {
  alert: string;
  annotations?: Record<string, string>;
}
interface Datasource {
  name: string;
  uid: string;
  type: string;
  url: string;
  jsonData?: Record<string, unknown>;
}
interface Panel {
  type: string;
  options?: { alertName?: string; stateFilter?: Record<string, boolean> };
  panels?: Panel[];
}

const rules = (parse(read("deploy/prometheus/alerts.yml")) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (group) => group.rules,
);
const datasources = ["prometheus.yml", "alertmanager.yml"].flatMap(
  (file) =>
    (parse(read(`deploy/grafana/provisioning/datasources/${file}`)) as { datasources: Datasource[] })
      .datasources,
);
const dashboard = JSON.parse(read("deploy/grafana/dashboards/wikistream.json")) as { panels: Panel[] };
const runbooks = read("deploy/runbooks/README.md");
const runbookBase = "https://github.com/wikistream/wikistream/blob/main/deploy/runbooks/README.md#";

/** GitHub's anchor for a Markdown heading: lower case, spaces to dashes, punctuation dropped. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");
const runbookAnchors = [...runbooks.matchAll(/^## (.+)$/gm)].map((match) => anchorOf(match[1] ?? ""));

describe("Grafana alerting provisioning", () => {
  const alertmanager = datasources.find((source) => source.type === "alertmanager");
  const prometheus = datasources.find((source) => source.type === "prometheus");

  it("provisions an Alertmanager datasource with the upstream (Prometheus) implementation", () => {
    expect(alertmanager).toMatchObject({
      url: "http://alertmanager:9093",
      jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
    });
  });

  it("lets the Prometheus datasource show its rules, linked to that Alertmanager", () => {
    expect(prometheus?.jsonData).toMatchObject({ manageAlerts: true, alertmanagerUid: alertmanager?.uid });
  });

  it("has an alert list on the dashboard that matches every rule and shows firing ones", () => {
    const lists = dashboard.panels
      .flatMap((panel) => [panel, ...(panel.panels ?? [])])
      .filter((panel) => panel.type === "alertlist");
    expect(lists).toHaveLength(1);
    const options = lists[0]?.options ?? {};
    expect(options.stateFilter).toMatchObject({ firing: true, pending: true });
    expect(rules.filter((rule) => !rule.alert.includes(options.alertName ?? ""))).toEqual([]);
  });
});

describe("runbooks", () => {
  it.each(rules.map((rule) => [rule.alert, rule] as const))("%s links its runbook section", (name, rule) => {
    expect(rule.annotations?.runbook_url).toBe(`${runbookBase}${anchorOf(name)}`);
    expect(runbookAnchors).toContain(anchorOf(name));
  });

  it("has no section for a rule that does not exist", () => {
    const names = new Set(rules.map((rule) => anchorOf(rule.alert)));
    expect(runbookAnchors.filter((anchor) => !names.has(anchor))).toEqual([]);
  });
});
