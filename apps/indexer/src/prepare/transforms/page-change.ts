import type { PageChange } from "@wikistream/events";
import type { Transform } from "./types.ts";
import { isIpAddress, isTemporaryAccount, siteOf } from "./wiki.ts";

export const pageChangeSite: Transform<PageChange> = {
  name: "site",
  apply: (event) => ({ ...(event.meta.domain ? siteOf(event.meta.domain) : {}), wiki: event.wiki_id }),
};

export const pageChangeEditor: Transform<PageChange> = {
  name: "editor",
  apply: (event) => {
    const performer = event.performer;
    if (!performer) return {};
    const user = performer.user_text;
    const anonymous =
      performer.is_temp === true ||
      (typeof user === "string" && (isIpAddress(user) || isTemporaryAccount(user)));
    return {
      is_anonymous: anonymous,
      ...(performer.is_bot === undefined ? {} : { is_bot: performer.is_bot }),
    };
  },
};

/** `revision.rev_size - prior_state.revision.rev_size`; a creation counts its whole size. */
export const pageChangeBytes: Transform<PageChange> = {
  name: "bytes_changed",
  apply: (event) => {
    const size = (event.revision as { rev_size?: unknown }).rev_size;
    if (typeof size !== "number") return {};
    const prior = (event as { prior_state?: { revision?: { rev_size?: unknown } } }).prior_state?.revision
      ?.rev_size;
    if (typeof prior === "number") return { bytes_changed: size - prior };
    return event.page_change_kind === "create" ? { bytes_changed: size } : {};
  },
};
