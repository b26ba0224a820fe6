import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectionOf } from "./args.ts";

const dir = mkdtempSync(join(tmpdir(), "wikistream-cli-args-"));
const file = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

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

  it("connects as the indexer does: CA bundle, password from its file, one TLS setting for every node", () => {
    const env = {
      OPENSEARCH_URL: "https://os-1:9200,https://os-2:9200",
      OPENSEARCH_SSL_CA_FILE: file(
        "ca.pem",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      ),
      OPENSEARCH_USERNAME: "ops",
      OPENSEARCH_PASSWORD_FILE: file("os.password", "from-a-file\n"),
    };
    expect(connectionOf({}, env).opensearch).toEqual({
      url: ["https://os-1:9200", "https://os-2:9200"],
      ssl: {
        ca: expect.stringContaining("BEGIN CERTIFICATE"),
        rejectUnauthorized: true,
        verifyHostname: true,
      },
      auth: { kind: "basic", username: "ops", password: "from-a-file" },
    });
    const sigv4 = { OPENSEARCH_AUTH: "sigv4", OPENSEARCH_AWS_REGION: "eu-west-1" };
    expect(connectionOf({ opensearch: "https://search.example" }, sigv4).opensearch.auth).toEqual({
      kind: "sigv4",
      region: "eu-west-1",
      service: "es",
    });
  });

  it("refuses what the indexer refuses, as usage naming the variable and never the password", () => {
    const overHttp = { OPENSEARCH_USERNAME: "ops", OPENSEARCH_PASSWORD: "hunter2" };
    const attempt = () => connectionOf({ opensearch: "http://os-1:9200" }, overHttp);
    expect(attempt).toThrow(/OPENSEARCH_URL="http:\/\/os-1:9200": is http:\/\/ but a password is configured/);
    expect(attempt).not.toThrow(/hunter2/);
    expect(() => connectionOf({}, { OPENSEARCH_SSL_CA_FILE: "/nonexistent/ca.pem" })).toThrow(
      /OPENSEARCH_SSL_CA_FILE/,
    );
  });

  it("connects to Kafka as the apps do: TLS with the CA bundle, SCRAM with the password from its file", () => {
    const env = {
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: file("kafka-ca.pem", "-----BEGIN CERTIFICATE-----\nkafka\n"),
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "wikistream-ops",
      KAFKA_SASL_PASSWORD_FILE: file("kafka.password", "s3cret\n"),
    };
    const { kafka } = connectionOf({}, env);
    expect(kafka.sasl).toEqual({
      mechanism: "scram-sha-512",
      username: "wikistream-ops",
      password: "s3cret",
    });
    expect(kafka.ssl?.ca).toContain("kafka");
    expect(connectionOf({}, {}).kafka).toEqual({ ssl: undefined, sasl: undefined });
  });

  it("refuses Kafka credentials over plaintext as the apps do, naming the variable, never the password", () => {
    const env = { KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "ops", KAFKA_SASL_PASSWORD: "hunter2" };
    const attempt = () => connectionOf({}, env);
    expect(attempt).toThrow(/KAFKA_SSL.*would send credentials without TLS/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});
