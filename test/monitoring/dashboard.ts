import { readFileSync } from "node:fs";

export interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface DashboardTarget {
  refId?: string;
  expr?: string;
  datasource?: DataSourceRef;
}

export interface DashboardPanel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: DataSourceRef;
  targets?: DashboardTarget[];
  /** Only on rows: the panels of a collapsed row. */
  panels?: DashboardPanel[];
  gridPos?: { x: number; y: number; w: number; h: number };
}

export interface TemplateVariable {
  name: string;
  type: string;
  query?: unknown;
  includeAll?: boolean;
  allValue?: string;
  current?: { value?: string | string[] };
}

export interface Dashboard {
  uid?: string;
  title?: string;
  panels: DashboardPanel[];
  templating?: { list: TemplateVariable[] };
}

export function loadDashboard(path: string): Dashboard {
  return JSON.parse(readFileSync(path, "utf8")) as Dashboard;
}

/** Every panel, with the panels of collapsed rows, including the rows themselves. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Panels that query the datasource (rows only group them; the alert list reads Grafana's alerting API). */
export function dataPanels(dashboard: Dashboard): DashboardPanel[] {
  return allPanels(dashboard).filter((panel) => panel.type !== "row" && panel.type !== "alertlist");
}

/** What Grafana puts in for its built-in variables when a query runs, close enough for evaluation. */
const builtIns: Record<string, string> = {
  __rate_interval: "1m",
  __interval: "15s",
  __range: "5m",
};

/**
 * The PromQL Grafana would send: built-in and template variables replaced (a multi-value variable by
 * its "All" value). Throws on a variable the dashboard does not define.
 */
export function expandExpr(expr: string, dashboard: Dashboard): string {
  const values: Record<string, string> = { ...builtIns };
  for (const variable of dashboard.templating?.list ?? []) {
    const current = variable.current?.value;
    values[variable.name] =
      variable.includeAll && variable.allValue !== undefined
        ? variable.allValue
        : ((Array.isArray(current) ? current[0] : current) ?? "");
  }
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (match, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? "";
    const value = values[name];
    if (value === undefined) throw new Error(`unknown dashboard variable ${match} in: ${expr}`);
    return value;
  });
}
