import type { RecentChange } from "@wikistream/events";
import type { Transform } from "./types.ts";
import { isIpAddress, isTemporaryAccount, siteOf } from "./wiki.ts";

export const recentChangeSite: Transform<RecentChange> = {
  name: "site",
  apply: (event) => {
    const host = event.server_name ?? event.meta.domain;
    return { ...(host ? siteOf(host) : {}), ...(event.wiki ? { wiki: event.wiki } : {}) };
  },
};

export const recentChangeEditor: Transform<RecentChange> = {
  name: "editor",
  apply: (event) => ({
    ...(event.user === undefined
      ? {}
      : { is_anonymous: isIpAddress(event.user) || isTemporaryAccount(event.user) }),
    ...(event.bot === undefined ? {} : { is_bot: event.bot }),
  }),
};

/** `length.new - length.old`; a new page (no old length) counts its whole size. */
export const recentChangeBytes: Transform<RecentChange> = {
  name: "bytes_changed",
  apply: (event) => {
    const next = event.length?.new;
    if (typeof next !== "number") return {};
    const previous = event.length?.old;
    return { bytes_changed: next - (typeof previous === "number" ? previous : 0) };
  },
};

const MAX_STRING = 1024;

// flat_object indexes every leaf as one term; Lucene refuses terms over 32 KiB, so long strings are cut.
function capStrings(value: unknown): unknown {
  if (typeof value === "string") return value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value;
  if (Array.isArray(value)) return value.map(capStrings);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, capStrings(item)]));
  }
  return value;
}

/**
 * `log_params` is polymorphic in the wild: `[]` on deletes, `{userid: …}` on newusers, a string on old
 * events. flat_object takes only an object at its root, so arrays and scalars are wrapped as `{value}`.
 */
export const recentChangeLogParams: Transform<RecentChange> = {
  name: "log_params",
  apply: (event) => {
    const params = event.log_params;
    if (params === undefined || params === null) return {};
    if (Array.isArray(params))
      return params.length === 0 ? {} : { log_params: { value: capStrings(params) } };
    if (typeof params === "object") {
      return Object.keys(params).length === 0
        ? {}
        : { log_params: capStrings(params) as Record<string, unknown> };
    }
    return { log_params: { value: capStrings(params) } };
  },
};
