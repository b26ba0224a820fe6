import { readFileSync } from "node:fs";
import {
  ConfigError,
  describeConfig,
  kafkaConnectionEnv,
  kafkaTopicEnv,
  openSearchConnectionEnv,
} from "@wikistream/config";
import { describe, expect, it } from "vitest";
import { indexerEnvSchema, loadIndexerConfig, streamOfTopic } from "./config.ts";

describe("loadIndexerConfig", () => {
  it("regression: OPENSEARCH_USERNAME without OPENSEARCH_PASSWORD (or the reverse) was accepted", () => {
    for (const [env, missing] of [
      [{ OPENSEARCH_USERNAME: "admin" }, "OPENSEARCH_PASSWORD"],
      [{ OPENSEARCH_PASSWORD: "s3cret-value" }, "OPENSEARCH_USERNAME"],
    ] as const) {
      try {
        loadIndexerConfig(env);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems.map((p) => p.variable)).toContain(missing);
        expect((error as Error).message).not.toContain("s3cret-value");
      }
    }
  });

  it("refuses credentials over plain http unless OPENSEARCH_ALLOW_INSECURE_AUTH says so", () => {
    const credentials = { OPENSEARCH_USERNAME: "a", OPENSEARCH_PASSWORD: "s3cret-value" };
    try {
      loadIndexerConfig(credentials);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(["OPENSEARCH_URL"]);
      expect((error as Error).message).toContain("OPENSEARCH_ALLOW_INSECURE_AUTH=true");
      expect((error as Error).message).not.toContain("s3cret-value");
    }
    const allowed = { ...credentials, OPENSEARCH_ALLOW_INSECURE_AUTH: "true" };
    expect(loadIndexerConfig(allowed).opensearch.auth).toEqual({
      kind: "basic",
      username: "a",
      password: "s3cret-value",
    });
  });

  it("takes credentials from the URL without ever keeping them in it", () => {
    const config = loadIndexerConfig({
      OPENSEARCH_URL: "https://admin:pw-in-url@search.example:9200",
    });
    expect(config.opensearch.url).toEqual(["https://search.example:9200"]);
    expect(config.opensearch.auth).toMatchObject({ kind: "basic", username: "admin" });
  });

  it("takes a comma-separated list of nodes for the client, and names OPENSEARCH_URL for a bad entry", () => {
    const config = loadIndexerConfig({ OPENSEARCH_URL: "http://os-1:9200,http://os-2:9200" });
    expect(config.opensearch.url).toEqual(["http://os-1:9200", "http://os-2:9200"]);
    expect(config.opensearchUrl).toEqual(["http://os-1:9200", "http://os-2:9200"]);
    expect(() => loadIndexerConfig({ OPENSEARCH_URL: "http://os-1:9200,os-2:9200" })).toThrow(
      /OPENSEARCH_URL="http:\/\/os-1:9200,os-2:9200": expected an http\(s\) URL: entry 2 of 2, "os-2:9200", is not one; write one node URL/,
    );
  });

  it("keeps the deprecated username fields for callers that read them", () => {
    const env = {
      OPENSEARCH_USERNAME: "a",
      OPENSEARCH_PASSWORD: "b",
      OPENSEARCH_ALLOW_INSECURE_AUTH: "true",
    };
    expect(loadIndexerConfig(env).opensearchUsername).toBe("a");
  });

  it("regression: a fetch wait of a third of the session timeout or more was accepted", () => {
    expect(() =>
      loadIndexerConfig({ INDEXER_SESSION_TIMEOUT_MS: "6000", INDEXER_FETCH_MAX_WAIT_MS: "2000" }),
    ).toThrow(/INDEXER_FETCH_MAX_WAIT_MS="2000": must be < INDEXER_SESSION_TIMEOUT_MS \/ 3/);
    expect(
      loadIndexerConfig({ INDEXER_SESSION_TIMEOUT_MS: "6000", INDEXER_FETCH_MAX_WAIT_MS: "1999" })
        .fetchMaxWaitMs,
    ).toBe(1999);
  });

  it("applies the documented defaults", () => {
    const config = loadIndexerConfig({});
    expect(config).toMatchObject({
      kafkaBrokers: ["127.0.0.1:9092"],
      opensearchUrl: ["http://127.0.0.1:9200"],
      groupId: "wikistream-indexer",
      topics: [
        { topic: "wikistream.mediawiki.recentchange", stream: "mediawiki.recentchange" },
        { topic: "wikistream.mediawiki.page_change.v1", stream: "mediawiki.page_change.v1" },
      ],
      dlqTopic: "wikistream.indexer.dlq",
      fromBeginning: true,
      indexPrefix: "wikistream",
      indexBucket: "month",
      httpHost: "127.0.0.1",
      httpPort: 8082,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reports every invalid variable at once", () => {
    try {
      loadIndexerConfig({
        INDEXER_HTTP_PORT: "70000",
        INDEXER_BULK_MAX_DOCS: "0",
        INDEXER_REFRESH_INTERVAL: "soon",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([
        "INDEXER_REFRESH_INTERVAL",
        "INDEXER_BULK_MAX_DOCS",
        "INDEXER_HTTP_PORT",
      ]);
    }
  });

  it("refuses a topic whose stream has no index mapping", () => {
    expect(() => loadIndexerConfig({ INDEXER_TOPICS: "wikistream.mediawiki.page-create" })).toThrow(
      /INDEXER_TOPICS="wikistream.mediawiki.page-create"/,
    );
  });

  it("refuses the dead-letter topic as an input topic", () => {
    expect(() => loadIndexerConfig({ INDEXER_DLQ_TOPIC: "wikistream.mediawiki.recentchange" })).toThrow(
      /INDEXER_DLQ_TOPIC/,
    );
  });

  it("refuses an index prefix OpenSearch would reject", () => {
    expect(() => loadIndexerConfig({ INDEXER_INDEX_PREFIX: "WikiStream" })).toThrow(/INDEXER_INDEX_PREFIX/);
  });

  it("never prints the OpenSearch password", () => {
    expect(() => loadIndexerConfig({ OPENSEARCH_PASSWORD: "hunter2", INDEXER_HTTP_PORT: "x" })).not.toThrow(
      /hunter2/,
    );
  });

  it("reads INDEXER_LINGER_MS, and its deprecated name INDEXER_FLUSH_INTERVAL_MS; the new name wins", () => {
    expect(loadIndexerConfig({}).lingerMs).toBe(200);
    expect(loadIndexerConfig({}).deprecatedVariables).toEqual([]);
    expect(loadIndexerConfig({ INDEXER_LINGER_MS: "50" }).lingerMs).toBe(50);
    const old = loadIndexerConfig({ INDEXER_FLUSH_INTERVAL_MS: "75" });
    expect(old.lingerMs).toBe(75);
    expect(old.deprecatedVariables).toEqual(["INDEXER_FLUSH_INTERVAL_MS (use INDEXER_LINGER_MS)"]);
    expect(loadIndexerConfig({ INDEXER_LINGER_MS: "50", INDEXER_FLUSH_INTERVAL_MS: "75" }).lingerMs).toBe(50);
    expect(loadIndexerConfig({ INDEXER_LINGER_MS: "", INDEXER_FLUSH_INTERVAL_MS: "75" }).lingerMs).toBe(75);
  });

  it("names a bad value of a deprecated variable by the name it was given under", () => {
    expect(() => loadIndexerConfig({ INDEXER_FLUSH_INTERVAL_MS: "soon" })).toThrow(
      /INDEXER_FLUSH_INTERVAL_MS \(deprecated name of INDEXER_LINGER_MS\)="soon"/,
    );
    expect(() => loadIndexerConfig({ INDEXER_LINGER_MS: "soon" })).toThrow(/ {2}INDEXER_LINGER_MS="soon"/);
  });

  it("documents a default for every variable but the optional connection settings", () => {
    const optional = new Set([
      ...Object.keys(kafkaConnectionEnv),
      ...Object.keys(kafkaTopicEnv),
      ...Object.keys(openSearchConnectionEnv),
    ]);
    const undocumented = describeConfig(indexerEnvSchema).filter((v) => v.default === undefined);
    expect(undocumented.map((v) => v.variable).filter((name) => !optional.has(name))).toEqual([]);
    expect(undocumented.map((v) => v.variable)).toContain("OPENSEARCH_PASSWORD");
  });
});

describe(".env.example", () => {
  it("lists every variable with its default", () => {
    const text = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    const listed = Object.fromEntries(
      text
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const expected = Object.fromEntries(
      describeConfig(indexerEnvSchema).map(({ variable, default: value }) => [
        variable,
        value === undefined ? "" : Array.isArray(value) ? value.join(",") : String(value),
      ]),
    );
    expect(listed).toEqual(expected);
  });
});

describe("streamOfTopic", () => {
  it("strips the prefix and resolves the stream", () => {
    expect(streamOfTopic("wikistream.mediawiki.page_change.v1", "wikistream.")).toBe(
      "mediawiki.page_change.v1",
    );
    expect(streamOfTopic("test.recentchange", "test.")).toBe("mediawiki.recentchange");
    expect(streamOfTopic("wikistream.nope", "wikistream.")).toBeUndefined();
  });
});
