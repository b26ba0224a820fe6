import { createOpenSearch } from "@wikistream/opensearch";
import { connectionOf, connectionOptions, parseFlags } from "../args.ts";
import { parseDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";
import type { Io } from "../io.ts";
import { applyPolicy, deleteIndex, hasIsm, listIndices } from "./cluster.ts";
import { defaultPolicyId, defaultRetentionDays, ismPolicy } from "./ism.ts";
import { bucketOf, type IndexInfo, planPrune } from "./plan.ts";

export const INDICES_USAGE = `usage: wikistream indices list  [--index-prefix P] [--json]
       wikistream indices prune --older-than 90d [--dry-run] [--index-prefix P]
       wikistream indices ism   [--apply] [--retention-days 90] [--policy-id ${defaultPolicyId}]

  list    every <prefix>-* index: documents, bytes, created, and the age of the month it holds
  prune   delete the indices whose bucket (month in the name) ended more than --older-than ago;
          names that are not <prefix>-<family>-<yyyy[.mm[.dd]]> are never deleted
  ism     print the ISM policy; --apply installs it and attaches it to existing indices where the
          cluster has the ISM plugin (exit 1 and say so where it has not)
connection: --opensearch (OPENSEARCH_URL, default http://127.0.0.1:9200; several nodes comma-separated,
  all http:// or all https://); TLS and credentials from the indexer's OPENSEARCH_* variables
  (OPENSEARCH_SSL_CA_FILE, OPENSEARCH_USERNAME, OPENSEARCH_PASSWORD(_FILE), OPENSEARCH_AUTH=sigv4, …)`;

const options = {
  ...connectionOptions,
  "index-prefix": { type: "string" },
  "older-than": { type: "string" },
  "dry-run": { type: "boolean" },
  apply: { type: "boolean" },
  "retention-days": { type: "string" },
  "policy-id": { type: "string" },
} as const;

const days = (ms: number) => (ms / 86_400_000).toFixed(1);
const mib = (bytes: number) => (bytes / 1_048_576).toFixed(1);

type Client = ReturnType<typeof createOpenSearch>;
type IndicesValues = ReturnType<typeof parseFlags<typeof options>>["values"];

/** One `list` line: the index, and the age of the month it holds (null when not a bucket index). Pure. */
export function listLine(index: IndexInfo, prefix: string, now: number, json: boolean): string {
  const bucket = bucketOf(index.index, prefix);
  const row = {
    ...index,
    created: new Date(index.createdMs).toISOString(),
    ageDays: bucket ? Number(days(now - bucket.endMs)) : null,
  };
  return json
    ? JSON.stringify(row)
    : `${index.index}  ${index.docs} docs  ${mib(index.bytes)} MiB  created ${row.created}  ${bucket ? `month ended ${days(now - bucket.endMs)} days ago` : "(not a bucket index)"}  ${index.health}/${index.status}`;
}

/** `--retention-days`, a whole number of days >= 1 (the default when absent). */
export function retentionDaysOf(value: string | undefined): number {
  const retentionDays = value === undefined ? defaultRetentionDays : Number(value);
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new UsageError(`--retention-days: expected a whole number of days >= 1, got "${value}"`);
  }
  return retentionDays;
}

async function list(client: Client, prefix: string, now: number, values: IndicesValues, io: Io) {
  for (const index of await listIndices(client, prefix)) {
    io.out(listLine(index, prefix, now, values.json ?? false));
  }
  return 0;
}

async function prune(client: Client, prefix: string, now: number, values: IndicesValues, io: Io) {
  if (values["older-than"] === undefined)
    throw new UsageError("indices prune: --older-than is required (e.g. --older-than 90d)");
  const olderThan = parseDuration(values["older-than"], "--older-than");
  const plan = planPrune(await listIndices(client, prefix), prefix, olderThan, now);
  const dryRun = values["dry-run"] ?? false;
  let deleted = 0;
  for (const decision of plan) {
    if (decision.action === "keep") continue;
    const { index, docs } = decision.index;
    if (!dryRun) await deleteIndex(client, index);
    io.out(
      `${dryRun ? "would delete" : "deleted"} ${index} (${docs} docs, month ended ${days(decision.ageMs)} days ago)`,
    );
    deleted += 1;
  }
  const kept = plan.length - deleted;
  io.err(
    `${dryRun ? "dry run: would delete" : "deleted"} ${deleted} of ${plan.length} ${prefix}-* indices; kept ${kept}`,
  );
  return 0;
}

async function ism(client: Client, prefix: string, values: IndicesValues, io: Io) {
  const policy = ismPolicy({ prefix, retentionDays: retentionDaysOf(values["retention-days"]) });
  if (!values.apply) {
    io.out(JSON.stringify(policy, null, 2));
    return 0;
  }
  if (!(await hasIsm(client))) {
    io.err(
      "indices ism: this cluster has no ISM plugin (_plugins/_ism has no handler); run `wikistream indices prune` on a schedule instead",
    );
    return 1;
  }
  const id = values["policy-id"] ?? defaultPolicyId;
  const { updated, attached } = await applyPolicy(client, id, policy, `${prefix}-*`);
  io.err(
    `indices ism: policy ${id} ${updated ? "updated" : "created"}; attached to ${attached} existing index(es)`,
  );
  return 0;
}

export async function runIndices(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv, options);
  const [action] = positionals;
  if (values.help || action === undefined) {
    io.out(INDICES_USAGE);
    return 0;
  }
  const connection = connectionOf(values, io.env);
  const client = createOpenSearch(connection.opensearch);
  const prefix = values["index-prefix"] ?? "wikistream";
  const now = io.now();
  if (action === "list") return list(client, prefix, now, values, io);
  if (action === "prune") return prune(client, prefix, now, values, io);
  if (action === "ism") return ism(client, prefix, values, io);
  throw new UsageError(`indices: unknown action "${action}" (expected list, prune or ism)`);
}
