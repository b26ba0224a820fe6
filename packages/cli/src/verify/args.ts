import {
  type Connection,
  connectionOf,
  connectionOptions,
  intFlag,
  listFlag,
  offsetFlag,
  parseFlags,
} from "../args.ts";
import { parseInstant } from "../duration.ts";
import { UsageError } from "../errors.ts";
import type { RangeRequest } from "../kafka/reader.ts";

export const VERIFY_USAGE = `usage: wikistream verify [--topic T]… [range] [--group G | --to-end] [options]

Reads meta.ids from the wikistream-meta-id header of a topic range and looks them up in the index.
Exit 0 when every id has exactly one document or a dead letter, 1 on a mismatch, 2 on a usage error.
  --topic T            stream topic, repeatable (default wikistream.mediawiki.recentchange and
                       wikistream.mediawiki.page_change.v1)
  --partition N --from-offset N --to-offset N    offsets (to is exclusive)
  --since T --until T  record time: ISO 8601 with a zone, a date (UTC), or a duration ago (2h)
  --group G            end each partition at G's committed offset, i.e. what the indexer says it
                       finished (default wikistream-indexer); --to-end reads to the high-water mark
  --index-prefix P     indices are read through P-all (default wikistream)
  --dlq-topic T        ids dead-lettered here count as accounted for (default wikistream.indexer.dlq;
                       "none" to skip)
  --batch N            ids per OpenSearch request (default 1000)
  --metrics-file F     write the result as a Prometheus textfile (atomically) for node_exporter
  --show N             missing ids listed per partition (default 20)
connection: --brokers (KAFKA_BROKERS; TLS and SASL from the apps' KAFKA_SSL*/KAFKA_SASL_* variables),
  --opensearch (OPENSEARCH_URL; several nodes comma-separated, all http:// or all https://); TLS and credentials from the indexer's OPENSEARCH_* variables
  (OPENSEARCH_SSL_CA_FILE, OPENSEARCH_USERNAME, OPENSEARCH_PASSWORD(_FILE), OPENSEARCH_AUTH=sigv4, …)`;

export interface VerifyCommand {
  readonly help: boolean;
  readonly topics: readonly string[];
  readonly range: RangeRequest;
  readonly group: string | undefined;
  readonly indexPrefix: string;
  readonly dlqTopic: string | undefined;
  readonly batch: number;
  readonly metricsFile: string | undefined;
  readonly show: number;
  readonly json: boolean;
}

const options = {
  ...connectionOptions,
  topic: { type: "string", multiple: true },
  partition: { type: "string", multiple: true },
  "from-offset": { type: "string" },
  "to-offset": { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  group: { type: "string" },
  "to-end": { type: "boolean" },
  "index-prefix": { type: "string" },
  "dlq-topic": { type: "string" },
  batch: { type: "string" },
  "metrics-file": { type: "string" },
  show: { type: "string" },
} as const;

/** An `ids` query answers at most 10,000 hits, and verify asks for twice the ids (duplicates). */
function batchOf(value: string | undefined): number {
  const batch = intFlag(value, "--batch", 1) ?? 1000;
  if (batch > 5000) throw new UsageError(`--batch: at most 5000 ids a request, got ${batch}`);
  return batch;
}

export function parseVerifyArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  now: number,
): { command: VerifyCommand; connection: Connection } {
  const { values, positionals } = parseFlags(argv, options);
  if (positionals.length > 0) throw new UsageError(`verify: unexpected argument "${positionals[0]}"`);
  if (values.group !== undefined && values["to-end"])
    throw new UsageError("--group and --to-end exclude each other");
  const dlq = values["dlq-topic"] ?? "wikistream.indexer.dlq";
  return {
    command: {
      help: values.help ?? false,
      topics: listFlag(values.topic) ?? [
        "wikistream.mediawiki.recentchange",
        "wikistream.mediawiki.page_change.v1",
      ],
      range: {
        partitions: listFlag(values.partition)?.map((p) => intFlag(p, "--partition") as number),
        fromOffset: offsetFlag(values["from-offset"], "--from-offset"),
        toOffset: offsetFlag(values["to-offset"], "--to-offset"),
        sinceMs: values.since === undefined ? undefined : parseInstant(values.since, "--since", now),
        untilMs: values.until === undefined ? undefined : parseInstant(values.until, "--until", now),
      },
      group: values["to-end"] ? undefined : (values.group ?? "wikistream-indexer"),
      indexPrefix: values["index-prefix"] ?? "wikistream",
      dlqTopic: dlq === "none" ? undefined : dlq,
      batch: batchOf(values.batch),
      metricsFile: values["metrics-file"],
      show: intFlag(values.show, "--show") ?? 20,
      json: values.json ?? false,
    },
    connection: connectionOf(values, env),
  };
}
