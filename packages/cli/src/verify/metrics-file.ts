import { rename, writeFile } from "node:fs/promises";
import type { PartitionResult, VerifyOutcome } from "./reconcile.ts";

export interface VerifyRun {
  readonly outcome: VerifyOutcome;
  readonly partitions: readonly PartitionResult[];
  readonly finishedMs: number;
  readonly durationMs: number;
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/**
 * The last run in the Prometheus text format, for node_exporter's textfile collector (or any scraper
 * of a file): gauges per topic and partition, plus the run's time, duration and outcome. Pure.
 */
export function metricsText(run: VerifyRun): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: [Record<string, string>, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(",");
      lines.push(`${name}${text ? `{${text}}` : ""} ${value}`);
    }
  };
  const per = (pick: (p: PartitionResult) => number): [Record<string, string>, number][] =>
    run.partitions.map((p) => [{ topic: p.topic, partition: String(p.partition) }, pick(p)]);
  gauge(
    "wikistream_verify_records",
    "Records in the verified range of the last run.",
    per((p) => p.records),
  );
  gauge(
    "wikistream_verify_documents",
    "Distinct record ids with a document in the last run.",
    per((p) => p.documents),
  );
  gauge(
    "wikistream_verify_missing_documents",
    "Record ids with no document and no dead letter in the last run.",
    per((p) => p.missing.length),
  );
  gauge(
    "wikistream_verify_dead_lettered_records",
    "Record ids with no document that were dead-lettered, last run.",
    per((p) => p.deadLettered),
  );
  gauge(
    "wikistream_verify_unexpected_documents",
    "Record ids with more than one document in the last run.",
    per((p) => p.unexpected.length),
  );
  gauge("wikistream_verify_last_success", "1 when the last run matched, 0 on a mismatch.", [
    [{}, run.outcome === "match" ? 1 : 0],
  ]);
  gauge("wikistream_verify_last_run_timestamp_seconds", "When the last run finished.", [
    [{}, Math.floor(run.finishedMs / 1000)],
  ]);
  gauge("wikistream_verify_last_run_duration_seconds", "How long the last run took.", [
    [{}, run.durationMs / 1000],
  ]);
  return `${lines.join("\n")}\n`;
}

/** Written beside and renamed, so a scrape never reads half a file. */
export async function writeMetricsFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
