import type { PageChange, RecentChange } from "@wikistream/events";

/**
 * Fields the indexer adds to each document, under the `wikistream` key so they never collide with a
 * field Wikimedia adds to an event later. The event itself is indexed unchanged beside them.
 */
export interface DerivedFields {
  stream: string;
  /** meta.dt normalised to ISO-8601 UTC with milliseconds. */
  event_time: string;
  wiki?: string;
  /** Language edition (`en` for en.wikipedia.org); absent for multilingual sites (wikidata, commons). */
  language?: string;
  /** `wikipedia`, `wiktionary`, `wikidata`, `commons`, `meta`, … */
  project?: string;
  /** A logged-out editor: an IP address, or a temporary account (`~2026-47061-02`, since 2025). */
  is_anonymous?: boolean;
  is_bot?: boolean;
  /** New size minus old size in bytes; for a page creation, its size. */
  bytes_changed?: number;
  /**
   * `log_params` as an object whatever shape it came in (object, array or string), for the
   * `flat_object` mapping; the original stays untouched in the event (mapped `enabled: false`).
   */
  log_params?: Record<string, unknown>;
}

/** A pure function from a validated event to some derived fields. Throwing dead-letters the record. */
export interface Transform<E> {
  readonly name: string;
  readonly apply: (event: Readonly<E>) => Partial<DerivedFields>;
}

/** The transforms applied per stream, in order; later ones may overwrite earlier fields. */
export interface TransformSet {
  readonly "mediawiki.recentchange": readonly Transform<RecentChange>[];
  readonly "mediawiki.page_change.v1": readonly Transform<PageChange>[];
}
