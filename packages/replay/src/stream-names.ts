/**
 * The streams stream.wikimedia.org exposes (OpenAPI spec snapshot in the shared folder). The replay
 * server accepts these even when it has no events for them, as the real service does for quiet streams.
 */
export const EVENTSTREAMS_STREAMS: readonly string[] = [
  "eventgate-main.test.event",
  "mediawiki.page-create",
  "mediawiki.page-delete",
  "mediawiki.page-links-change",
  "mediawiki.page-move",
  "mediawiki.page-properties-change",
  "mediawiki.page-undelete",
  "mediawiki.page_change.v1",
  "mediawiki.recentchange",
  "mediawiki.revision-create",
  "mediawiki.revision-tags-change",
  "mediawiki.revision-visibility-change",
];

// The service's `stream_aliases`, plus the page_change spellings people type.
const ALIASES: Readonly<Record<string, string>> = {
  recentchange: "mediawiki.recentchange",
  page_change: "mediawiki.page_change.v1",
  "page-change": "mediawiki.page_change.v1",
  "page-create": "mediawiki.page-create",
  "page-delete": "mediawiki.page-delete",
  "page-links-change": "mediawiki.page-links-change",
  "page-move": "mediawiki.page-move",
  "page-properties-change": "mediawiki.page-properties-change",
  "page-undelete": "mediawiki.page-undelete",
  "revision-create": "mediawiki.revision-create",
  test: "eventgate-main.test.event",
};

/** Canonical name for a short alias; any other name is returned unchanged. */
export function canonicalStreamName(name: string): string {
  return Object.hasOwn(ALIASES, name) ? (ALIASES[name] ?? name) : name;
}

// Schema title → stream. page-create shares revision/create's schema, so it cannot be derived.
const STREAM_BY_SCHEMA_TITLE: Readonly<Record<string, string>> = {
  "mediawiki/recentchange": "mediawiki.recentchange",
  "mediawiki/page/change": "mediawiki.page_change.v1",
  "mediawiki/revision/create": "mediawiki.revision-create",
  "mediawiki/page/delete": "mediawiki.page-delete",
  "mediawiki/page/move": "mediawiki.page-move",
  "mediawiki/page/undelete": "mediawiki.page-undelete",
  "mediawiki/page/links-change": "mediawiki.page-links-change",
  "mediawiki/page/properties-change": "mediawiki.page-properties-change",
  "mediawiki/revision/tags-change": "mediawiki.revision-tags-change",
  "mediawiki/revision/visibility-change": "mediawiki.revision-visibility-change",
  "test/event": "eventgate-main.test.event",
};

/**
 * Stream for a `$schema` (`/mediawiki/recentchange/1.0.0`) or a legacy `meta.schema_uri`
 * (`mediawiki/recentchange/2`), for events recorded without `meta.stream`.
 */
export function streamFromSchema(schemaUri: unknown): string | undefined {
  if (typeof schemaUri !== "string") return undefined;
  const title = schemaUri.replace(/^\/+/, "").replace(/\/\d+(?:\.\d+)*$/, "");
  return Object.hasOwn(STREAM_BY_SCHEMA_TITLE, title) ? STREAM_BY_SCHEMA_TITLE[title] : undefined;
}

/** Kafka topic of a stream in one datacenter, as it appears in EventStreams ids: `eqiad.mediawiki.recentchange`. */
export function topicFor(stream: string, datacenter: string): string {
  return `${datacenter}.${stream}`;
}
