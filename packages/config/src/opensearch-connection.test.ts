import { describe, expect, it } from "vitest";
import { z } from "zod";
import { env } from "./env.ts";
import { loadConfig } from "./load.ts";
import { openSearchConnectionEnv, openSearchConnectionFromEnv } from "./opensearch-connection.ts";
import { CA_PEM as CA, fakeFiles, problemsOf as problemsOfResolving } from "./testing.ts";

const read = fakeFiles({ "/certs/ca.pem": CA, "/run/secrets/os-pw": "os-secret\n" });

const schema = z.object({ OPENSEARCH_URL: env.url("http://127.0.0.1:9200"), ...openSearchConnectionEnv });
const resolve = (source: Record<string, string>) => {
  const raw = loadConfig("indexer", schema, source);
  return openSearchConnectionFromEnv("indexer", raw.OPENSEARCH_URL, raw, read);
};
const problemsOf = (source: Record<string, string>) => problemsOfResolving(() => resolve(source));

describe("openSearchConnectionFromEnv", () => {
  it("defaults to http without auth", () => {
    expect(resolve({})).toEqual({ url: "http://127.0.0.1:9200", ssl: undefined, auth: undefined });
  });

  it("resolves https with a CA bundle and basic auth, the password from a file", () => {
    const settings = resolve({
      OPENSEARCH_URL: "https://search.example:9200",
      OPENSEARCH_SSL_CA_FILE: "/certs/ca.pem",
      OPENSEARCH_USERNAME: "indexer",
      OPENSEARCH_PASSWORD_FILE: "/run/secrets/os-pw",
    });
    expect(settings).toEqual({
      url: "https://search.example:9200",
      ssl: { ca: CA, rejectUnauthorized: true, verifyHostname: true },
      auth: { kind: "basic", username: "indexer", password: "os-secret" },
    });
  });

  it("moves credentials out of the URL", () => {
    const settings = resolve({ OPENSEARCH_URL: "https://admin:p%40ss@search.example:9200/" });
    expect(settings.url).toBe("https://search.example:9200");
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
});
