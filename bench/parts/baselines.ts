/**
 * e. The apps against their baselines in the same run: ingest / bare producer, indexer / raw `_bulk`
 * ceiling, memory, CPU per 100k and time to the first searchable document, next to issue 11's goals.
 * Printed, never asserted: a shared machine makes every absolute number move.
 */
import { fmt } from "../format.ts";
import type { Section } from "../report.ts";
import type { Measured } from "./results.ts";

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

function pick(measured: readonly Measured[], dataset: string, who: string): Measured[] {
  return measured.filter((m) => m.dataset === dataset && m.who === who);
}

/** Rows for one dataset; `node`/`bun` columns are the indexer's runtimes (ingest runs on Node). */
function datasetRows(measured: readonly Measured[], dataset: string): (string | number)[][] {
  const ingest = pick(measured, dataset, "ingest");
  const bare = pick(measured, dataset, "bare producer");
  const ceiling = Math.max(...pick(measured, dataset, "ceiling").map((m) => m.rate));
  const runtimes = (["node", "bun"] as const).map((r) => pick(measured, dataset, r));
  const each = (f: (runs: Measured[]) => string) =>
    runtimes.map((runs) => (runs.length === 0 ? "–" : f(runs)));
  const rows: (string | number)[][] = [];
  if (ingest.length > 0 && bare.length > 0) {
    rows.push(
      [
        dataset,
        "ingest events/s ÷ bare kafkajs producer",
        fmt(mean(ingest.map((m) => m.rate)) / mean(bare.map((m) => m.rate)), 2),
        "–",
        "≥ 0.9",
      ],
      [dataset, "ingest peak RSS MB", fmt(Math.max(...ingest.map((m) => m.peakRssMb))), "–", "≤ 150"],
      [
        dataset,
        "ingest CPU-s / 100k events (bare producer)",
        `${fmt(mean(ingest.map((m) => m.cpuSecondsPer100k)), 1)} (${fmt(mean(bare.map((m) => m.cpuSecondsPer100k)), 1)})`,
        "–",
        "",
      ],
    );
  }
  if (Number.isFinite(ceiling) && runtimes.some((runs) => runs.length > 0)) {
    rows.push(
      [
        dataset,
        "indexer docs/s ÷ raw `_bulk` ceiling of its round (mean of runs)",
        ...each((runs) => fmt(mean(runs.map((m) => m.ofCeiling ?? Number.NaN)), 2)),
        "≥ 0.9",
      ],
      [
        dataset,
        "indexer peak RSS MB (max of runs)",
        ...each((runs) => fmt(Math.max(...runs.map((m) => m.peakRssMb)))),
        "≤ 200",
      ],
      [
        dataset,
        "indexer CPU-s / 100k docs, mean of runs (after ready)",
        ...each(
          (runs) =>
            `${fmt(mean(runs.map((m) => m.cpuSecondsPer100k)), 1)} (${fmt(mean(runs.map((m) => m.cpuAfterReadyPer100k ?? Number.NaN)), 1)})`,
        ),
        "≤ 2.5",
      ],
      [
        dataset,
        "spawn → first document searchable s (mean of runs)",
        ...each((runs) => fmt(mean(runs.map((m) => m.firstSearchableSeconds ?? Number.NaN)), 2)),
        "≤ 1.5",
      ],
    );
  }
  return rows;
}

export function baselinesSection(measured: readonly Measured[]): Section | undefined {
  const datasets = [...new Set(measured.map((m) => m.dataset))];
  const rows = datasets.flatMap((d) => datasetRows(measured, d));
  if (rows.length === 0) return undefined;
  return {
    title: "e. Against the baselines of the same run (issue 11's goals alongside; nothing is asserted)",
    columns: ["backlog", "measure", "node", "bun", "goal"],
    rows,
    notes: [
      "Ratios divide rates measured on the same machine and stack in the same run: ingest ÷ the bare producer that ran right after it on the same dataset; each indexer run ÷ the best raw `_bulk` shape of its round (measured just before it), then the mean of those ratios.",
      "Ingest runs on Node only here (createIngest in a child process), so its rows fill the node column.",
    ],
  };
}
