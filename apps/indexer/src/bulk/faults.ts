/**
 * Whose fault an OpenSearch error is, read from its error `type` first and its HTTP status second
 * (never from the reason text). A dead letter must mean "this document can never be indexed", so
 * only errors that name the document go there; errors caused by the cluster's state wait.
 * - document: the document itself (a field that does not fit the mapping, unparsable JSON): dead-letter.
 * - cluster: the cluster refuses writes for now (a write block, `read_only_allow_delete` after a full
 *   disk, missing permissions, a missing or closed index, the shard limit): retry without limit,
 *   counted by type, alerted on; an operator's fix lets everything through.
 * - load: the cluster sheds load (429, rejected execution, a tripped circuit breaker): retry without limit.
 * - unavailable: 503/504, a shard recovering or a node away: retry without limit.
 * - server: another 5xx or 408; retried, but a failure that keeps coming for one item while others
 *   pass is treated as poison after INDEXER_MAX_ITEM_ATTEMPTS.
 * - unknown: another 4xx of a type not listed here; retried as `server` is, so that a new cluster
 *   state does not dead-letter healthy events at once, and a new document fault still ends in the DLQ.
 */
export type Fault = "document" | "cluster" | "load" | "unavailable" | "server" | "unknown";

/** Error types that say the document is at fault (item errors and whole-request 400s). */
export const documentFaultTypes: ReadonlySet<string> = new Set([
  "mapper_parsing_exception",
  "document_parsing_exception",
  "strict_dynamic_mapping_exception",
  "illegal_argument_exception",
  "action_request_validation_exception",
  "max_bytes_length_exceeded_exception",
  "json_parse_exception",
  "x_content_parse_exception",
  "not_x_content_exception",
  "parse_exception",
]);

/**
 * Error types caused by the cluster's state. `validation_exception` on a bulk item is the shard limit
 * ("this action would add [2] total shards, but this cluster currently has [1000]/[1000]"): document
 * faults come as the types above.
 */
export const clusterFaultTypes: ReadonlySet<string> = new Set([
  "cluster_block_exception",
  "security_exception",
  "index_not_found_exception",
  "index_closed_exception",
  "validation_exception",
]);

const loadTypes: ReadonlySet<string> = new Set([
  "es_rejected_execution_exception",
  "circuit_breaking_exception",
]);

export function faultOf(status: number, type: string): Fault {
  if (clusterFaultTypes.has(type)) return "cluster";
  if (loadTypes.has(type) || status === 429) return "load";
  if (documentFaultTypes.has(type)) return "document";
  if (status === 503 || status === 504) return "unavailable";
  if (status >= 500 || status === 408) return "server";
  // An error that names no type we know: retried a bounded number of times (see above).
  return "unknown";
}

/** Whether this fault waits without limit (never dead-lettered for it). */
export function retriesWithoutLimit(fault: Fault): boolean {
  return fault === "cluster" || fault === "load" || fault === "unavailable";
}
