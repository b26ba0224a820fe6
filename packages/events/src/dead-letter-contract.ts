/**
 * The indexer's dead-letter record, the DLQ topic's public format (documented in apps/indexer/README.md):
 * the original key, value and headers byte for byte, plus these headers saying where the record came
 * from and why it was refused. Written by the indexer (apps/indexer/src/dlq/letter.ts), read back by
 * the CLI (`wikistream dlq`, `wikistream verify`): both take the names and the encoding from here.
 */
export const deadLetterHeaders = {
  reason: "wikistream-dlq-reason",
  stage: "wikistream-dlq-stage",
  detail: "wikistream-dlq-detail",
  status: "wikistream-dlq-status",
  topic: "wikistream-dlq-topic",
  partition: "wikistream-dlq-partition",
  offset: "wikistream-dlq-offset",
  time: "wikistream-dlq-time",
  /** Present on a truncated letter: the original value size in bytes (the value kept is a prefix). */
  truncated: "wikistream-dlq-truncated",
} as const;

/** Set on every re-driven record: the letter it came from, `<dlq topic>:<partition>:<offset>`. */
export const redriveHeader = "wikistream-redriven-from";

/** Where a record was refused: decoding, a transform, choosing its index (meta.dt out of range), OpenSearch. */
export type DeadLetterStage = "decode" | "transform" | "route" | "index";

/** What the dead-letter headers say about one letter. */
export interface DeadLetterFacts {
  /** A bounded code (metric label): schema_violation, transform_failed, mapper_parsing_exception, … */
  readonly reason: string;
  readonly stage: DeadLetterStage;
  readonly detail: string;
  /** HTTP status of the bulk item or request, for index-stage rejections. */
  readonly status?: number | undefined;
  /** Where the record was read from. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** When the letter was written, ISO 8601. */
  readonly time: string;
  /** Set on a truncated letter: the original value's size in bytes. */
  readonly truncatedValueBytes?: number | undefined;
}

/** The dead-letter headers of a letter, to add to the record's own headers. */
export function deadLetterHeaderValues(facts: DeadLetterFacts): Record<string, string> {
  return {
    [deadLetterHeaders.reason]: facts.reason,
    [deadLetterHeaders.stage]: facts.stage,
    [deadLetterHeaders.detail]: facts.detail,
    ...(facts.status === undefined ? {} : { [deadLetterHeaders.status]: String(facts.status) }),
    [deadLetterHeaders.topic]: facts.topic,
    [deadLetterHeaders.partition]: String(facts.partition),
    [deadLetterHeaders.offset]: facts.offset,
    [deadLetterHeaders.time]: facts.time,
    ...(facts.truncatedValueBytes === undefined
      ? {}
      : { [deadLetterHeaders.truncated]: String(facts.truncatedValueBytes) }),
  };
}

/** Each dead-letter header of a record read back, as text; undefined where the header is missing. */
export type DeadLetterHeaderText = { readonly [K in keyof typeof deadLetterHeaders]: string | undefined };

type HeaderValue = string | Uint8Array;

// ignoreBOM: a leading BOM stays in the text, as Buffer#toString keeps it.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const names = Object.entries(deadLetterHeaders) as [keyof typeof deadLetterHeaders, string][];
const dlqHeaderNames = new Set<string>(Object.values(deadLetterHeaders));

const asText = (value: HeaderValue | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === "string" ? value : utf8.decode(value);

/** True for a record the indexer dead-lettered (it carries the reason header). */
export function isDeadLetter(headers: Readonly<Record<string, HeaderValue | undefined>>): boolean {
  return headers[deadLetterHeaders.reason] !== undefined;
}

/** The dead-letter headers of a record as text, each as written (no defaults: the reader picks them). */
export function readDeadLetterHeaders(
  headers: Readonly<Record<string, HeaderValue | undefined>>,
): DeadLetterHeaderText {
  const text: Partial<Record<keyof typeof deadLetterHeaders, string | undefined>> = {};
  for (const [field, name] of names) text[field] = asText(headers[name]);
  return text as DeadLetterHeaderText;
}

/** The record's own headers: a letter's headers without the dead-letter ones (what a re-drive sends). */
export function originalHeaders<V>(headers: Readonly<Record<string, V>>): Record<string, V> {
  const original: Record<string, V> = {};
  for (const [name, value] of Object.entries(headers)) if (!dlqHeaderNames.has(name)) original[name] = value;
  return original;
}
