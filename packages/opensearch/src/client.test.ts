import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenSearch, displayUrl, openSearchClientOptions } from "./client.ts";

describe("displayUrl", () => {
  it("strips credentials", () => {
    expect(displayUrl("http://admin:secret@127.0.0.1:9200/")).toBe("http://127.0.0.1:9200");
  });
  it("never echoes an unparseable value", () => {
    expect(displayUrl("::nope")).toBe("(invalid URL)");
  });
  it("never echoes an unparseable value that holds a password", () => {
    const shown = displayUrl("http://admin:hunter2@host:99999");
    expect(shown).toBe("(invalid URL)");
    expect(shown).not.toContain("hunter2");
  });
});

describe("openSearchClientOptions", () => {
  it("passes TLS through, checking host names unless told not to", () => {
    const options = openSearchClientOptions({
      url: "https://127.0.0.1:9200",
      ssl: { ca: "CA", rejectUnauthorized: true, verifyHostname: true },
    });
    expect(options.ssl).toEqual({ ca: "CA", rejectUnauthorized: true });
    const off = openSearchClientOptions({
      url: "https://127.0.0.1:9200",
      ssl: { rejectUnauthorized: true, verifyHostname: false },
    });
    expect(off.ssl?.checkServerIdentity?.("h", {} as never)).toBeUndefined();
  });
  it("takes several nodes", () => {
    expect(openSearchClientOptions({ url: ["http://a:9200", "http://b:9200"] }).node).toEqual([
      "http://a:9200",
      "http://b:9200",
    ]);
  });
});

/** Records the headers of every request, and answers like OpenSearch's root endpoint. */
describe("createOpenSearch against a recording server", () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ version: { number: "3.3.2", distribution: "opensearch" } }));
  });
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends basic auth", async () => {
    seen.length = 0;
    await createOpenSearch({ url, auth: { kind: "basic", username: "indexer", password: "pw" } }).info();
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from("indexer:pw").toString("base64")}`);
  });

  it("signs with SigV4 for the region and service, with the given credentials", async () => {
    seen.length = 0;
    const client = createOpenSearch({
      url,
      auth: {
        kind: "sigv4",
        region: "eu-west-1",
        service: "aoss",
        getCredentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI" }),
      },
    });
    await client.info();
    expect(seen[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/aoss\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
    expect(seen[0]?.["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it("sends no credentials when none are configured", async () => {
    seen.length = 0;
    await createOpenSearch({ url }).info();
    expect(seen[0]?.authorization).toBeUndefined();
  });
});
