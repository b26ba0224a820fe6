import { describe, expect, it } from "vitest";
import { connectionOf } from "./args.ts";

describe("connectionOf", () => {
  it("takes several OpenSearch nodes, from --opensearch or OPENSEARCH_URL, as the indexer does", () => {
    expect(connectionOf({ opensearch: "http://os-1:9200, http://os-2:9200" }, {}).opensearchUrls).toEqual([
      "http://os-1:9200",
      "http://os-2:9200",
    ]);
    const env = { OPENSEARCH_URL: "https://os-1:9200,https://os-2:9200" };
    expect(connectionOf({}, env).opensearchUrls).toEqual(["https://os-1:9200", "https://os-2:9200"]);
    expect(connectionOf({}, {}).opensearchUrls).toEqual(["http://127.0.0.1:9200"]);
  });

  it("a bad entry names where it came from, the entry and the form to write", () => {
    expect(() => connectionOf({ opensearch: "http://os-1:9200,os-2:9200" }, {})).toThrow(
      '--opensearch: expected an http(s) URL: entry 2 of 2, "os-2:9200", is not one; write one node URL',
    );
    expect(() => connectionOf({}, { OPENSEARCH_URL: "http://os-1:9200,https://os-2:9200" })).toThrow(
      /^OPENSEARCH_URL: mixes http:\/\/ and https:\/\/ nodes/,
    );
  });

  it("regression: an invalid --opensearch was echoed whole, password included", () => {
    const attempt = () => connectionOf({ opensearch: "htp://admin:hunter2@os-1:9200" }, {});
    expect(attempt).toThrow(/^--opensearch: expected one node URL/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});
