import { randomUUID } from "node:crypto";
import { loadConfig, openSearchConnectionFromEnv, openSearchConnectionSchema } from "@wikistream/config";
import { otherCa, type SecureStack, startSecureStack } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenSearch, displayUrl, type OpenSearchOptions } from "../src/client.ts";
import {
  classifyOpenSearchError,
  explainOpenSearchSetupError,
  isOpenSearchSetupFailure,
} from "../src/explain.ts";

// Private ports: never the default stack's, nor another test's.
const ports = {
  WIKISTREAM_OPENSEARCH_PORT: 64700,
  WIKISTREAM_OPENSEARCH_BACKEND_PORT: 64701,
  WIKISTREAM_OPENSEARCH_TRANSPORT_PORT: 64800,
};

let stack: SecureStack;
/** The options exactly as an app resolves them from `stack.sh env` (password from its file). */
let options: OpenSearchOptions & { url: readonly string[] };

beforeAll(async () => {
  stack = await startSecureStack(["opensearch", "proxy"], ports);
  const raw = loadConfig("test", openSearchConnectionSchema, stack.env);
  options = openSearchConnectionFromEnv("test", raw.OPENSEARCH_URL, raw);
}, 180_000);
afterAll(() => stack?.stop(), 60_000);

async function failure(of: OpenSearchOptions): Promise<unknown> {
  try {
    await createOpenSearch({ ...of, requestTimeoutMs: 10_000 }).info();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("OpenSearch over TLS with basic auth (secure stack)", () => {
  it("indexes and searches with the CA bundle and the password from its file", async () => {
    expect(options.url).toEqual([expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+700$/)]);
    expect(options.auth).toMatchObject({ kind: "basic", username: "wikistream" });
    const client = createOpenSearch(options);
    const index = `secure-test-${randomUUID()}`;
    await client.index({ index, id: "1", body: { title: "over TLS" }, refresh: true });
    const found = await client.search({ index, body: { query: { match: { title: "TLS" } } } });
    expect(found.body.hits.hits.map((hit) => hit._id)).toEqual(["1"]);
    await client.indices.delete({ index });
  });

  it("a wrong password fails with one line naming the credential variables, not the password", async () => {
    const error = await failure({
      ...options,
      auth: { kind: "basic", username: "wikistream", password: "not-it" },
    });
    expect(classifyOpenSearchError(error).kind).toBe("unauthorized");
    const line = explainOpenSearchSetupError(error, displayUrl(options.url));
    expect(line).toMatch(
      /refused the credentials \(HTTP 401\): check OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD/,
    );
    expect(line).not.toContain("not-it");
  });

  it("no credentials at all fails the same way", async () => {
    expect(classifyOpenSearchError(await failure({ ...options, auth: undefined })).kind).toBe("unauthorized");
  });

  it("a wrong CA fails naming OPENSEARCH_SSL_CA_FILE", async () => {
    const ssl = { ca: await otherCa(), rejectUnauthorized: true, verifyHostname: true };
    const error = await failure({ ...options, ssl });
    expect(classifyOpenSearchError(error).kind).toBe("untrusted_certificate");
    expect(explainOpenSearchSetupError(error, displayUrl(options.url))).toContain(
      "set OPENSEARCH_SSL_CA_FILE",
    );
  });

  it("start-up stops at once on a wrong password, a wrong CA, a plaintext node; waits out a closed port", async () => {
    const plain = new URL(options.url[0] ?? "");
    plain.port = String(Number(plain.port) + 1); // the node's own http port behind the proxy
    const closed = new URL(options.url[0] ?? "");
    closed.port = "9"; // discard: nothing listens
    const cases = {
      password: { ...options, auth: { kind: "basic", username: "wikistream", password: "not-it" } },
      ca: { ...options, ssl: { ca: await otherCa(), rejectUnauthorized: true, verifyHostname: true } },
      plaintext: { ...options, url: [plain.toString()] },
      closed: { ...options, url: [closed.toString()] },
    } satisfies Record<string, OpenSearchOptions>;
    const verdicts: Record<string, string> = {};
    for (const [name, of] of Object.entries(cases)) {
      const kind = classifyOpenSearchError(await failure(of));
      verdicts[name] = `${kind.kind}: ${isOpenSearchSetupFailure(kind) ? "stop" : "retry"}`;
    }
    expect(verdicts).toEqual({
      password: "unauthorized: stop",
      ca: "untrusted_certificate: stop",
      plaintext: "not_tls: stop",
      closed: "other: retry",
    });
    const line = explainOpenSearchSetupError(await failure(cases.plaintext), displayUrl(plain.toString()));
    expect(line).toContain("did not answer TLS: use http:// for a plaintext node, or the node's https port");
  });
});
