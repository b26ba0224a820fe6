import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createOpenSearch, openSearchOptionsFromEnv } from "@wikistream/opensearch";
import { otherCa, type SecureStack, startSecureStack } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./helpers/services.ts";

// `wikistream indices` against OpenSearch behind TLS and basic auth (the secure stack's nginx), with
// the indexer's variables: the CA bundle and the password from their files. Private ports (moved by
// WIKISTREAM_TEST_PORT_PREFIX), never another test's.
const ports = {
  WIKISTREAM_OPENSEARCH_PORT: 64750,
  WIKISTREAM_OPENSEARCH_BACKEND_PORT: 64751,
  WIKISTREAM_OPENSEARCH_TRANSPORT_PORT: 64850,
};

let stack: SecureStack;
const prefix = `wscli-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  stack = await startSecureStack(["opensearch", "proxy"], ports);
  const client = createOpenSearch(openSearchOptionsFromEnv("test", stack.env));
  await client.index({ index: `${prefix}-recentchange-2020.01`, id: "1", body: { a: 1 }, refresh: true });
  await client.close();
}, 300_000);
afterAll(() => stack?.stop(), 60_000);

describe("wikistream indices on OpenSearch over TLS with basic auth", () => {
  it("lists with the CA bundle and the password from its file, as the indexer connects", async () => {
    const run = await cli(["indices", "list", "--index-prefix", prefix, "--json"], stack.env);
    expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: [] });
    expect(run.out.map((line) => (JSON.parse(line) as { index: string }).index)).toEqual([
      `${prefix}-recentchange-2020.01`,
    ]);
  });

  it("a foreign CA fails the command (exit 1), naming no secret", async () => {
    const ca = `${stack.state}/certs/cli-other-ca.pem`;
    writeFileSync(ca, await otherCa());
    const run = await cli(["indices", "list", "--index-prefix", prefix], {
      ...stack.env,
      OPENSEARCH_SSL_CA_FILE: ca,
    });
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toMatch(/certificate/);
    const password = readFileSync(`${stack.state}/secrets/opensearch.password`, "utf8");
    expect(run.err.join("\n")).not.toContain(password);
  });
});
