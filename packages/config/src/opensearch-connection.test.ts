import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "./load.ts";
import { openSearchConnectionEnv, openSearchConnectionFromEnv } from "./opensearch-connection.ts";
import { openSearchUrlsEnv } from "./opensearch-urls.ts";
import { CA_PEM as CA, fakeFiles, problemsOf as problemsOfResolving } from "./testing.ts";

const read = fakeFiles({ "/certs/ca.pem": CA, "/run/secrets/os-pw": "os-secret\n" });

const schema = z.object({
  OPENSEARCH_URL: openSearchUrlsEnv("http://127.0.0.1:9200"),
  ...openSearchConnectionEnv,
});
const resolve = (source: Record<string, string>) => {
  const raw = loadConfig("indexer", schema, source);
  return openSearchConnectionFromEnv("indexer", raw.OPENSEARCH_URL, raw, read);
};
const problemsOf = (source: Record<string, string>) => problemsOfResolving(() => resolve(source));

describe("openSearchConnectionFromEnv", () => {
  it("defaults to http without auth", () => {
    expect(resolve({})).toEqual({ url: ["http://127.0.0.1:9200"], ssl: undefined, auth: undefined });
  });

  it("resolves https with a CA bundle and basic auth, the password from a file", () => {
    const settings = resolve({
      OPENSEARCH_URL: "https://search.example:9200",
      OPENSEARCH_SSL_CA_FILE: "/certs/ca.pem",
      OPENSEARCH_USERNAME: "indexer",
      OPENSEARCH_PASSWORD_FILE: "/run/secrets/os-pw",
    });
    expect(settings).toEqual({
      url: ["https://search.example:9200"],
      ssl: { ca: CA, rejectUnauthorized: true, verifyHostname: true },
      auth: { kind: "basic", username: "indexer", password: "os-secret" },
    });
  });

  it("moves credentials out of the URL", () => {
    const settings = resolve({ OPENSEARCH_URL: "https://admin:p%40ss@search.example:9200/" });
    expect(settings.url).toEqual(["https://search.example:9200"]);
    expect(settings.auth).toEqual({ kind: "basic", username: "admin", password: "p@ss" });
  });

  it("resolves SigV4 for OpenSearch Serverless", () => {
    const settings = resolve({
      OPENSEARCH_URL: "https://abc.us-east-1.aoss.amazonaws.com",
      OPENSEARCH_AUTH: "sigv4",
      OPENSEARCH_AWS_REGION: "us-east-1",
      OPENSEARCH_AWS_SERVICE: "aoss",
    });
    expect(settings.auth).toEqual({ kind: "sigv4", region: "us-east-1", service: "aoss" });
  });

  it("refuses a password over plain http unless OPENSEARCH_ALLOW_INSECURE_AUTH=true, without echoing it", () => {
    const source = { OPENSEARCH_URL: "http://admin:hunter2@127.0.0.1:9200" };
    const { variables, message } = problemsOf(source);
    expect(variables).toEqual(["OPENSEARCH_URL"]);
    expect(message).toContain("OPENSEARCH_ALLOW_INSECURE_AUTH=true");
    expect(message).not.toMatch(/hunter2|admin/);
    expect(resolve({ ...source, OPENSEARCH_ALLOW_INSECURE_AUTH: "true" }).auth).toMatchObject({
      kind: "basic",
    });
  });

  it("reports every problem at once", () => {
    const { variables, message } = problemsOf({
      OPENSEARCH_URL: "http://127.0.0.1:9200",
      OPENSEARCH_SSL_CA_FILE: "/certs/ca.pem",
      OPENSEARCH_USERNAME: "indexer",
    });
    expect(variables).toEqual(["OPENSEARCH_SSL_CA_FILE", "OPENSEARCH_PASSWORD", "OPENSEARCH_URL"]);
    expect(message).toContain("is used only with an https:// OPENSEARCH_URL");
  });

  it("refuses credentials given twice, SigV4 without a region, and auth=none with a password", () => {
    expect(
      problemsOf({ OPENSEARCH_URL: "https://a:b@h", OPENSEARCH_USERNAME: "c", OPENSEARCH_PASSWORD: "d" })
        .variables,
    ).toEqual(["OPENSEARCH_URL"]);
    expect(problemsOf({ OPENSEARCH_URL: "https://h", OPENSEARCH_AUTH: "sigv4" }).variables).toEqual([
      "OPENSEARCH_AWS_REGION",
    ]);
    expect(problemsOf({ OPENSEARCH_AUTH: "none", OPENSEARCH_PASSWORD: "x" }).variables).toEqual([
      "OPENSEARCH_AUTH",
    ]);
  });

  it("takes several nodes with one TLS setting and the credentials from the variables", () => {
    const settings = resolve({
      OPENSEARCH_URL: "https://os-1.example:9200/, https://os-2.example:9200,https://os-3.example:9200",
      OPENSEARCH_SSL_CA_FILE: "/certs/ca.pem",
      OPENSEARCH_USERNAME: "indexer",
      OPENSEARCH_PASSWORD_FILE: "/run/secrets/os-pw",
    });
    expect(settings.url).toEqual([
      "https://os-1.example:9200",
      "https://os-2.example:9200",
      "https://os-3.example:9200",
    ]);
    expect(settings.ssl).toMatchObject({ ca: CA });
    expect(settings.auth).toEqual({ kind: "basic", username: "indexer", password: "os-secret" });
  });

  it("a raw value is parsed as OPENSEARCH_URL is, its problems named after it", () => {
    const raw = loadConfig("indexer", schema, {});
    expect(openSearchConnectionFromEnv("indexer", "http://a:9200,http://b:9200", raw, read).url).toEqual([
      "http://a:9200",
      "http://b:9200",
    ]);
    const { variables, message } = problemsOfResolving(() =>
      openSearchConnectionFromEnv("indexer", "http://a:9200,https://u:hunter2@b:9200", raw, read),
    );
    expect(variables).toEqual(["OPENSEARCH_URL"]);
    expect(message).toContain("must not carry credentials");
    expect(message).not.toContain("hunter2");
  });

  it("refuses credentials over http for every node of a list", () => {
    const { variables, message } = problemsOf({
      OPENSEARCH_URL: "http://os-1:9200,http://os-2:9200",
      OPENSEARCH_USERNAME: "indexer",
      OPENSEARCH_PASSWORD: "hunter2",
    });
    expect(variables).toEqual(["OPENSEARCH_URL"]);
    expect(message).toContain('OPENSEARCH_URL="http://os-1:9200,http://os-2:9200": is http://');
    expect(message).not.toContain("hunter2");
  });
});
