import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig } from "./load.ts";
import { displayUrls, openSearchUrlsEnv, parseOpenSearchUrls } from "./opensearch-urls.ts";

const schema = z.object({ OPENSEARCH_URL: openSearchUrlsEnv("http://127.0.0.1:9200") });
const load = (value: string | undefined) => loadConfig("indexer", schema, { OPENSEARCH_URL: value });

/** The one problem line loadConfig prints for OPENSEARCH_URL=value. */
function problemLine(value: string): string {
  try {
    load(value);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.problems.map((p) => p.variable)).toEqual(["OPENSEARCH_URL"]);
    return error.message.split("\n")[1] ?? "";
  }
  throw new Error(`expected OPENSEARCH_URL=${value} to be refused`);
}

describe("OPENSEARCH_URL as a list of nodes", () => {
  it("defaults to the local node, and one URL is a list of one", () => {
    expect(load(undefined).OPENSEARCH_URL).toEqual(["http://127.0.0.1:9200"]);
    expect(load("https://search.example:9200").OPENSEARCH_URL).toEqual(["https://search.example:9200"]);
  });

  it("splits on commas, trims, drops blanks, keeps the order", () => {
    expect(load(" http://os-2:9200 , http://os-1:9200,, http://os-3:9200 ").OPENSEARCH_URL).toEqual([
      "http://os-2:9200",
      "http://os-1:9200",
      "http://os-3:9200",
    ]);
  });

  it("a bad entry: the line names OPENSEARCH_URL, the entry and its place, and the form to write", () => {
    const line = problemLine("http://os-1:9200,os-2:9200");
    expect(line).toBe(
      '  OPENSEARCH_URL="http://os-1:9200,os-2:9200": expected an http(s) URL: entry 2 of 2, "os-2:9200", is not one; write one node URL (http(s)://host:port) or several separated by commas, all http:// or all https://',
    );
    expect(problemLine("ftp://os-1:9200")).toContain('"ftp://os-1:9200" is not one; write one node URL');
    expect(problemLine(" , ")).toContain("expected one node URL (http(s)://host:port) or several");
  });

  it("a bad entry with credentials: redacted in the value, never quoted in the problem", () => {
    const line = problemLine("http://os-1:9200,https://admin:hunter2@os-2:9200");
    expect(line).toContain('OPENSEARCH_URL="http://(redacted)@os-2:9200"');
    expect(line).toContain("must not carry credentials: list the nodes as http(s)://host:port and set");
    expect(line).toContain("OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD (or OPENSEARCH_PASSWORD_FILE)");
    expect(line).not.toMatch(/hunter2|admin/);
    const invalid = problemLine("htp://admin:hunter2@os-1:9200");
    expect(invalid).toContain('OPENSEARCH_URL="htp://(redacted)@os-1:9200": expected one node URL');
    expect(invalid).not.toMatch(/hunter2|admin/);
  });

  it("regression guard: a comma inside a password in the URL cannot leak a piece of it", () => {
    // Split at the comma, "http://admin:hunter" would look like a URL of its own.
    const line = problemLine("http://admin:hunter,2@os-1:9200");
    expect(line).toContain("a comma in a password inside a single URL is written %2C");
    expect(line).not.toMatch(/hunter|admin/);
  });

  it("refuses mixed schemes and a node listed twice", () => {
    expect(problemLine("http://os-1:9200,https://os-2:9200")).toContain(
      "mixes http:// and https:// nodes: one TLS setting (OPENSEARCH_SSL_*) serves every node",
    );
    expect(problemLine("http://os-1:9200,http://os-1:9200/")).toContain(
      'lists "http://os-1:9200/" twice: list each node once',
    );
  });

  it("parseOpenSearchUrls says the same without a schema (the CLI's --opensearch)", () => {
    expect(parseOpenSearchUrls("http://a:1,http://b:2")).toEqual({
      ok: true,
      urls: ["http://a:1", "http://b:2"],
    });
    expect(parseOpenSearchUrls("a:1")).toMatchObject({
      ok: false,
      problem: expect.stringContaining('"a:1"'),
    });
  });
});

describe("displayUrls", () => {
  it("strips credentials from each node and joins them", () => {
    expect(displayUrls(["https://admin:pw@os-1:9200/", "https://os-2:9200"])).toBe(
      "https://os-1:9200,https://os-2:9200",
    );
    expect(displayUrls("http://admin:pw@os-1:9200")).toBe("http://os-1:9200");
    expect(displayUrls("http://os-1:9200, http://os-2:9200")).toBe("http://os-1:9200,http://os-2:9200");
  });

  it("never echoes a value that does not parse", () => {
    expect(displayUrls("http://admin:hunter,2@os-1:9200")).toBe("(invalid URL)");
    expect(displayUrls("http://admin:hunter2@host:99999")).toBe("(invalid URL)");
    expect(displayUrls(["::nope"])).toBe("(invalid URL)");
  });
});
