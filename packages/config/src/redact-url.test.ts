import { describe, expect, it } from "vitest";
import { z } from "zod";
import { env } from "./env.ts";
import { loadConfig, redact } from "./load.ts";

describe("redact: credentials in URLs", () => {
  it("regression: an invalid OPENSEARCH_URL was printed with its password", () => {
    const schema = z.object({ OPENSEARCH_URL: env.url("http://127.0.0.1:9200") });
    const attempt = () =>
      loadConfig("indexer", schema, { OPENSEARCH_URL: "htp://admin:hunter2@opensearch:9200" });
    expect(attempt).toThrow(/OPENSEARCH_URL="htp:\/\/\(redacted\)@opensearch:9200"/);
    expect(attempt).not.toThrow(/hunter2|admin/);
  });

  it.each([
    ["http://admin:pa/ss#w@host:99999", '"http://(redacted)@host:99999"'],
    ["admin:hunter2@host", '"(redacted)@host"'],
    ["http://a:b@h1,http://c:d@h2", '"http://(redacted)@h2"'],
    ["http://127.0.0.1:9200", '"http://127.0.0.1:9200"'],
  ])("strips the user-info of %s", (value, shown) => {
    expect(redact("SOME_URL", value)).toBe(shown);
  });
});
