import os from "node:os";
import {
  type Connection,
  connectionOf,
  connectionOptions,
  intFlag,
  listFlag,
  offsetFlag,
  oneOf,
  parseFlags,
} from "../args.ts";
import { parseInstant } from "../duration.ts";
import { UsageError } from "../errors.ts";
import type { RangeRequest } from "../kafka/reader.ts";
import { defaultAuditTopic } from "./audit.ts";
import type { LetterFilter } from "./select.ts";

export const defaultDlqTopics = {
  indexer: "wikistream.indexer.dlq",
  ingest: "wikistream.ingest.dlq",
} as const;

export const DLQ_USAGE = `usage: wikistream dlq list    [selection] [--limit N] [--json]
       wikistream dlq show    <dlq-topic>:<partition>:<offset> [--raw]
       wikistream dlq redrive (selection | --all) [--to-topic T] [--dry-run] [--force] [--by WHO]

selection (all optional, combined with AND):
  --topic T           DLQ topic, repeatable (default: ${defaultDlqTopics.indexer} and ${defaultDlqTopics.ingest};
                      with --app, that app's)
  --app A             indexer | ingest
  --reason R[,R…]     dead-letter reason, e.g. mapper_parsing_exception
  --since T --until T letter time: ISO 8601 with a zone, a date (UTC), or a duration ago (2h)
  --partition N --from-offset N --to-offset N   DLQ offsets (to is exclusive)
  --meta-id ID[,ID…]  the events' meta.id
redrive:
  --audit-topic T     compacted record of re-drives (default ${defaultAuditTopic}); letters listed
                      there are skipped unless --force
connection: --brokers (or KAFKA_BROKERS, default 127.0.0.1:9092); TLS and SASL from the apps' KAFKA_*
  variables (KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD(_FILE), …)`;

const options = {
  ...connectionOptions,
  topic: { type: "string", multiple: true },
  app: { type: "string" },
  reason: { type: "string", multiple: true },
  since: { type: "string" },
  until: { type: "string" },
  partition: { type: "string", multiple: true },
  "from-offset": { type: "string" },
  "to-offset": { type: "string" },
  "meta-id": { type: "string", multiple: true },
  limit: { type: "string" },
  raw: { type: "boolean" },
  all: { type: "boolean" },
  "to-topic": { type: "string" },
  "dry-run": { type: "boolean" },
  force: { type: "boolean" },
  by: { type: "string" },
  "audit-topic": { type: "string" },
} as const;

interface Selection {
  readonly topics: readonly string[];
  readonly range: RangeRequest;
  readonly filter: LetterFilter;
}

export type DlqCommand =
  | { readonly action: "help" }
  | ({ readonly action: "list"; readonly limit: number | undefined; readonly json: boolean } & Selection)
  | {
      readonly action: "show";
      readonly topic: string;
      readonly partition: number;
      readonly offset: string;
      readonly raw: boolean;
      readonly json: boolean;
    }
  | ({
      readonly action: "redrive";
      readonly toTopic: string | undefined;
      readonly dryRun: boolean;
      readonly force: boolean;
      readonly by: string;
      readonly auditTopic: string;
      readonly json: boolean;
    } & Selection);

type DlqValues = ReturnType<typeof parseFlags<typeof options>>["values"];
type ShowCommand = Extract<DlqCommand, { action: "show" }>;

/** `show <dlq-topic>:<partition>:<offset>`. */
function showCommand(ref: string | undefined, values: DlqValues): ShowCommand {
  const match = ref === undefined ? null : /^(.+):(\d+):(\d+)$/.exec(ref);
  if (!match) throw new UsageError(`dlq show: expected <dlq-topic>:<partition>:<offset>, got "${ref ?? ""}"`);
  return {
    action: "show",
    topic: match[1]!,
    partition: Number(match[2]),
    offset: match[3]!,
    raw: values.raw ?? false,
    json: values.json ?? false,
  };
}

/** The topics, offsets and letter filter that `list` and `redrive` share. */
function selectionOf(values: DlqValues, now: number): Selection {
  const app = oneOf(values.app, "--app", ["indexer", "ingest"] as const);
  const topics = listFlag(values.topic) ?? (app ? [defaultDlqTopics[app]] : Object.values(defaultDlqTopics));
  const partitions = listFlag(values.partition)?.map((p) => intFlag(p, "--partition") as number);
  return {
    topics,
    range: {
      partitions,
      fromOffset: offsetFlag(values["from-offset"], "--from-offset"),
      toOffset: offsetFlag(values["to-offset"], "--to-offset"),
    },
    filter: {
      app,
      reasons: listFlag(values.reason),
      sinceMs: values.since === undefined ? undefined : parseInstant(values.since, "--since", now),
      untilMs: values.until === undefined ? undefined : parseInstant(values.until, "--until", now),
      metaIds: listFlag(values["meta-id"]),
    },
  };
}

/** A re-drive of every letter must be asked for (--all): an empty selection is more likely a slip. */
function redriveCommand(selection: Selection, values: DlqValues): Extract<DlqCommand, { action: "redrive" }> {
  const narrowed =
    Object.values(selection.filter).some((v) => v !== undefined) ||
    Object.values(selection.range).some((v) => v !== undefined) ||
    values.topic !== undefined;
  if (!narrowed && !values.all) {
    throw new UsageError(
      "dlq redrive: choose letters (--reason, --since/--until, --meta-id, offsets, --topic) or pass --all",
    );
  }
  return {
    action: "redrive",
    ...selection,
    toTopic: values["to-topic"],
    dryRun: values["dry-run"] ?? false,
    force: values.force ?? false,
    by: values.by ?? `${os.userInfo().username}@${os.hostname()}`,
    auditTopic: values["audit-topic"] ?? defaultAuditTopic,
    json: values.json ?? false,
  };
}

export function parseDlqArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  now: number,
): { command: DlqCommand; connection: Connection } {
  const { values, positionals } = parseFlags(argv, options);
  const connection = connectionOf(values, env);
  const [action, ...rest] = positionals;
  if (values.help || action === undefined || action === "help")
    return { command: { action: "help" }, connection };
  if (action === "show") return { command: showCommand(rest[0], values), connection };
  if (action !== "list" && action !== "redrive") {
    throw new UsageError(`dlq: unknown action "${action}" (expected list, show or redrive)`);
  }
  if (rest.length > 0) throw new UsageError(`dlq ${action}: unexpected argument "${rest[0]}"`);
  const selection = selectionOf(values, now);
  if (action === "list") {
    const limit = intFlag(values.limit, "--limit", 1);
    return { command: { action, ...selection, limit, json: values.json ?? false }, connection };
  }
  return { command: redriveCommand(selection, values), connection };
}
