// Sites whose first host label is a language edition: `en.wikipedia.org`, `fr.wiktionary.org`.
const languageProjects = new Set([
  "wikipedia",
  "wiktionary",
  "wikibooks",
  "wikinews",
  "wikiquote",
  "wikisource",
  "wikiversity",
  "wikivoyage",
]);

/**
 * Language and project of a Wikimedia host name. `en.wikipedia.org` → en / wikipedia;
 * `www.wikidata.org` → wikidata; `commons.wikimedia.org` → commons; `en.m.wikipedia.org` → en / wikipedia.
 */
export function siteOf(host: string): { language?: string; project?: string } {
  const labels = host
    .trim()
    .toLowerCase()
    .split(".")
    .filter((label) => label !== "" && label !== "m");
  if (labels.length < 2) return labels[0] ? { project: labels[0] } : {};
  const domain = labels[labels.length - 2]!;
  const first = labels.length > 2 ? labels[0] : undefined;
  if (languageProjects.has(domain)) {
    return first && first !== "www" ? { language: first, project: domain } : { project: domain };
  }
  // wikimedia.org hosts many single sites: commons, meta, species, incubator, wikimania, …
  if (domain === "wikimedia" && first && first !== "www") return { project: first };
  return { project: domain };
}

const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
// Permissive IPv6: hex groups and colons, at least two colons (MediaWiki prints them upper-case, expanded).
const ipv6 = /^(?=.*:.*:)[0-9a-f:.]+$/i;

export function isIpAddress(user: string): boolean {
  return ipv4.test(user) || (ipv6.test(user) && user.length <= 45);
}

// Temporary accounts (2025 onwards): `~2026-47061-02`.
const temporaryAccount = /^~\d{4}-\d+(-\d+)?$/;

export function isTemporaryAccount(user: string): boolean {
  return temporaryAccount.test(user);
}
