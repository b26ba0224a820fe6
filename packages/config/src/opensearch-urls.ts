import { z } from "zod";

/** How OPENSEARCH_URL reads: one node URL or several, comma-separated; the fix when it does not. */
export const openSearchUrlsForm =
  "one node URL (http(s)://host:port) or several separated by commas, all http:// or all https://";

export type OpenSearchUrlsParse = { ok: true; urls: string[] } | { ok: false; problem: string };

/** `http://a:9200`, or `"http://a:9200"` and its position when the value lists several. */
const nameOf = (entry: string, index: number, count: number) =>
  count === 1 ? JSON.stringify(entry) : `entry ${index + 1} of ${count}, ${JSON.stringify(entry)},`;

function isNodeUrl(entry: string): boolean {
  try {
    const parsed = new URL(entry);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * The node URLs of an OPENSEARCH_URL value (blanks dropped), or the one problem with it and its fix.
 * Credentials are accepted only in a single URL (as before lists): in a list they would be ambiguous,
 * and a comma inside a password would split the value anywhere. Only values without `@` (so without
 * credentials) are ever quoted in a problem, so no problem can show a password.
 */
export function parseOpenSearchUrls(value: string): OpenSearchUrlsParse {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return { ok: false, problem: `expected ${openSearchUrlsForm}` };
  if (entries.length > 1 && value.includes("@")) {
    return {
      ok: false,
      problem:
        "a list of node URLs must not carry credentials: list the nodes as http(s)://host:port and set OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD (or OPENSEARCH_PASSWORD_FILE); a comma in a password inside a single URL is written %2C",
    };
  }
  const bad = entries.findIndex((entry) => !isNodeUrl(entry));
  if (bad >= 0) {
    // A value with `@` may hold a password anywhere (it is invalid): never quote it.
    if (value.includes("@")) return { ok: false, problem: `expected ${openSearchUrlsForm}` };
    const named = nameOf(entries[bad] ?? "", bad, entries.length);
    return {
      ok: false,
      problem: `expected an http(s) URL: ${named} is not one; write ${openSearchUrlsForm}`,
    };
  }
  const schemes = new Set(entries.map((entry) => new URL(entry).protocol));
  if (schemes.size > 1) {
    return {
      ok: false,
      problem:
        "mixes http:// and https:// nodes: one TLS setting (OPENSEARCH_SSL_*) serves every node, so list nodes of one scheme",
    };
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    const node = new URL(entry).toString();
    if (seen.has(node))
      return { ok: false, problem: `lists ${JSON.stringify(entry)} twice: list each node once` };
    seen.add(node);
  }
  return { ok: true, urls: entries };
}

/** OPENSEARCH_URL with its documented default, parsed into the node URLs (see parseOpenSearchUrls). */
export const openSearchUrlsEnv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context): string[] => {
      const parsed = parseOpenSearchUrls(value);
      if (parsed.ok) return parsed.urls;
      context.addIssue({ code: "custom", message: parsed.problem });
      return z.NEVER;
    });

/** The URLs with any credentials removed, comma-separated, for logs and error messages. */
export function displayUrls(urls: string | readonly string[]): string {
  if (typeof urls !== "string") return urls.map(displayOne).join(",");
  const parsed = parseOpenSearchUrls(urls);
  return parsed.ok ? parsed.urls.map(displayOne).join(",") : "(invalid URL)";
}

function displayOne(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    // Never echo an unparseable value: it may hold a password in any form.
    return "(invalid URL)";
  }
}
