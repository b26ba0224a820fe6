/** A valid recentchange event as EventStreams sends it, for unit tests (never imported by the app). */
export const sampleEvent = {
  $schema: "/mediawiki/recentchange/1.0.0",
  meta: {
    id: "0416300b-980c-45bb-b0a2-c9d7a9e2b7eb",
    dt: "2023-07-29T07:51:39Z",
    domain: "en.wikipedia.org",
    stream: "mediawiki.recentchange",
  },
  type: "edit",
  title: "EFL Championship",
  wiki: "enwiki",
};
