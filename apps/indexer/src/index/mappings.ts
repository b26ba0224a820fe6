/**
 * Explicit mappings, chosen per field (no dynamic guessing): `keyword` for identifiers and enumerations,
 * `text` (with a `keyword` sub-field where sorting or exact match helps) for prose, `date` for times,
 * numbers as `long`/`integer`. `dynamic: false` keeps unknown future fields in `_source` without mapping
 * them, so a new upstream field never rejects a document and never grows the mapping. Every keyword has
 * `ignore_above`, because Lucene refuses terms over 32 KiB. Polymorphic fields are mapped so no shape can
 * fail: `log_params` (array, object or string) is `enabled: false` and a normalised copy is
 * `flat_object`; `content_slots` (keys vary: main, mediainfo, …) is `flat_object`.
 */
type Mapping = Record<string, unknown>;

const keyword = (ignoreAbove = 1024): Mapping => ({ type: "keyword", ignore_above: ignoreAbove });
const text: Mapping = { type: "text" };
const textAndKeyword: Mapping = { type: "text", fields: { keyword: keyword(512) } };
// Kept in _source only: HTML, and strings nobody searches by.
const stored: Mapping = { type: "keyword", index: false, doc_values: false };
const date: Mapping = { type: "date", format: "strict_date_optional_time||epoch_millis" };
const long: Mapping = { type: "long" };
const integer: Mapping = { type: "integer" };
const boolean: Mapping = { type: "boolean" };
const object = (properties: Record<string, Mapping>): Mapping => ({ properties });

const meta = (extra: Record<string, Mapping> = {}): Mapping =>
  object({
    id: keyword(64),
    dt: date,
    domain: keyword(256),
    stream: keyword(256),
    uri: keyword(2048),
    request_id: keyword(256),
    topic: keyword(256),
    partition: integer,
    offset: long,
    ...extra,
  });

/** Fields of every document: the envelope and the indexer's derived fields. */
export function commonMappings(): Mapping {
  return {
    dynamic: false,
    properties: {
      $schema: keyword(256),
      wikistream: object({
        stream: keyword(256),
        event_time: date,
        wiki: keyword(256),
        language: keyword(64),
        project: keyword(128),
        is_anonymous: boolean,
        is_bot: boolean,
        bytes_changed: long,
        log_params: { type: "flat_object" },
      }),
    },
  };
}

/** mediawiki.recentchange, schema /mediawiki/recentchange/1.0.x. */
export function recentChangeMappings(): Mapping {
  return {
    dynamic: false,
    properties: {
      meta: meta(),
      id: long,
      type: keyword(64),
      namespace: integer,
      title: textAndKeyword,
      title_url: keyword(2048),
      comment: text,
      parsedcomment: stored,
      // Unix seconds.
      timestamp: { type: "date", format: "epoch_second" },
      user: keyword(256),
      bot: boolean,
      minor: boolean,
      patrolled: boolean,
      length: object({ old: long, new: long }),
      revision: object({ old: long, new: long }),
      server_url: keyword(256),
      server_name: keyword(256),
      server_script_path: keyword(256),
      wiki: keyword(256),
      notify_url: keyword(2048),
      log_id: long,
      log_type: keyword(128),
      log_action: keyword(128),
      log_action_comment: text,
      // Array on deletes, object on newusers/upload, string on old events: parsed by no one.
      log_params: { type: "object", enabled: false },
    },
  };
}

const user = (): Mapping =>
  object({
    user_text: keyword(256),
    user_id: long,
    user_central_id: long,
    groups: keyword(128),
    is_bot: boolean,
    is_system: boolean,
    is_temp: boolean,
    edit_count: long,
    edit_global_count: long,
    registration_dt: date,
    first_edit_dt: date,
    wiki_id: keyword(256),
  });

const page = (): Mapping =>
  object({
    page_id: long,
    page_title: textAndKeyword,
    namespace_id: integer,
    is_redirect: boolean,
    namespace_is_content: boolean,
    wikibase_item_id: keyword(64),
    wikibase_concept_uri: keyword(2048),
    wikibase_wiki_id: keyword(256),
  });

const revision = (): Mapping =>
  object({
    rev_id: long,
    rev_dt: date,
    rev_parent_id: long,
    rev_size: long,
    rev_sha1: keyword(64),
    is_minor_edit: boolean,
    comment: text,
    is_content_visible: boolean,
    is_editor_visible: boolean,
    is_comment_visible: boolean,
    editor: user(),
    content_slots: { type: "flat_object" },
    revert: object({
      method: keyword(64),
      is_exact: boolean,
      rev_original_id: long,
      rev_original_dt: date,
      rev_reverted_newest_id: long,
      rev_reverted_oldest_id: long,
    }),
  });

/** mediawiki.page_change.v1, schema /mediawiki/page/change/1.x. */
export function pageChangeMappings(): Mapping {
  return {
    dynamic: false,
    properties: {
      meta: meta({ key: object({ wiki_id: keyword(256), page_id: long }) }),
      changelog_kind: keyword(64),
      page_change_kind: keyword(64),
      dt: date,
      wiki_id: keyword(256),
      comment: text,
      page: page(),
      performer: user(),
      revision: revision(),
      prior_state: object({ page: page(), revision: revision() }),
      created_redirect_page: page(),
    },
  };
}
