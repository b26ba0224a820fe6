/**
 * Prometheus naming, checked rather than remembered: base units as the last word (`_seconds`,
 * `_bytes`, then `_total` on counters), never a scaled unit, and no time or size measured under a
 * name that does not say so. https://prometheus.io/docs/practices/naming/
 */
export interface MetricDescription {
  readonly name: string;
  /** counter, gauge, histogram, summary, untyped: as in `# TYPE`. */
  readonly type: string;
  readonly help: string;
}

/** Scaled or non-base units: Prometheus wants seconds and bytes. */
const scaledUnits = new Set([
  "ms",
  "millis",
  "milliseconds",
  "us",
  "microseconds",
  "ns",
  "nanoseconds",
  "minutes",
  "hours",
  "days",
  "kb",
  "kib",
  "kilobytes",
  "mb",
  "mib",
  "megabytes",
  "percent",
]);
/** Words of a name that say it measures time, so it must end in `_seconds`. */
const timeWords = new Set([
  "duration",
  "latency",
  "time",
  "timestamp",
  "age",
  "behind",
  "freshness",
  "elapsed",
  "delay",
]);
/** Words of a name that say it measures a size, so it must end in `_bytes`. */
const sizeWords = new Set(["size", "bytes"]);
/** A lag must name its unit: records behind, or seconds behind. */
const lagUnits = new Set(["records", "seconds"]);

/** What is wrong with a metric's name, in words; empty when nothing is. */
export function namingProblems(metric: MetricDescription): string[] {
  const { name, type, help } = metric;
  const problems: string[] = [];
  const add = (problem: string) => problems.push(`${name}: ${problem}`);
  if (!/^[a-z][a-z0-9_]*$/.test(name)) add("use lower-case snake_case");
  if (type === "counter" && !name.endsWith("_total")) add("a counter ends in _total");
  if (type !== "counter" && name.endsWith("_total")) add("only counters end in _total");
  if (name.endsWith("_info") && type !== "gauge") add("an _info metric is a gauge");
  const words = name.replace(/_total$/, "").split("_");
  const last = words.at(-1) ?? "";
  for (const word of words) if (scaledUnits.has(word)) add(`"${word}" is not a base unit (seconds, bytes)`);
  for (const unit of ["seconds", "bytes"]) {
    if (words.slice(0, -1).includes(unit) && last !== unit) {
      add(`the unit "${unit}" goes last (…_${unit}${type === "counter" ? "_total" : ""})`);
    }
  }
  // The help counts only when it names the unit: "at run time" in a counter's help is no duration.
  const measuresTime = words.some((word) => timeWords.has(word)) || /\bseconds\b/i.test(help);
  if (measuresTime && last !== "seconds") add("measures time: end in _seconds");
  const measuresSize = words.some((word) => sizeWords.has(word)) || /\bbytes\b/i.test(help);
  if (measuresSize && last !== "bytes") add("measures a size: end in _bytes");
  if (words.includes("lag") && !lagUnits.has(last)) add("a lag names its unit: _records or _seconds");
  return problems;
}

/** Every metric described by `# HELP` and `# TYPE` lines of a Prometheus text exposition. */
export function describeExposition(text: string): MetricDescription[] {
  const help = new Map<string, string>();
  const described: MetricDescription[] = [];
  for (const line of text.split("\n")) {
    const helpLine = /^# HELP (\S+) ?(.*)$/.exec(line);
    if (helpLine) help.set(helpLine[1] ?? "", helpLine[2] ?? "");
    const typeLine = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (typeLine) {
      const name = typeLine[1] ?? "";
      described.push({ name, type: typeLine[2] ?? "untyped", help: help.get(name) ?? "" });
    }
  }
  return described;
}
