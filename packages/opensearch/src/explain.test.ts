import { errors } from "@opensearch-project/opensearch";
import { describe, expect, it } from "vitest";
import { classifyOpenSearchError, explainOpenSearchSetupError, isOpenSearchSetupFailure } from "./explain.ts";

const response = (statusCode: number, body: unknown = {}) =>
  new errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} as never });

describe("explainOpenSearchSetupError", () => {
  it("names the credential variables for a 401", () => {
    expect(explainOpenSearchSetupError(response(401), "https://127.0.0.1:9200")).toMatch(
      /^OpenSearch at https:\/\/127.0.0.1:9200 \(OPENSEARCH_URL\) refused the credentials \(HTTP 401\): check OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD/,
    );
  });
  it("names OPENSEARCH_SSL_CA_FILE for an untrusted certificate", () => {
    const error = new errors.ConnectionError("self-signed certificate in certificate chain", {} as never);
    expect(classifyOpenSearchError(error).kind).toBe("untrusted_certificate");
    expect(explainOpenSearchSetupError(error, "https://h:9200")).toContain("set OPENSEARCH_SSL_CA_FILE");
  });
  it("sees the client's error through a start-up step's wrapper (regression: a wrong CA at the indexer's start read as unreachable)", () => {
    const cause = new errors.ConnectionError("self-signed certificate in certificate chain", {} as never);
    const wrapped = new Error("component template x-settings failed", { cause });
    expect(explainOpenSearchSetupError(wrapped, "https://h:9200")).toContain("set OPENSEARCH_SSL_CA_FILE");
  });
  it("leaves other errors to the caller", () => {
    expect(
      explainOpenSearchSetupError(new errors.ConnectionError("connect ECONNREFUSED", {} as never), "x"),
    ).toBe(undefined);
    expect(explainOpenSearchSetupError(response(503), "x")).toBeUndefined();
  });
  it("a 403 quotes the permission OpenSearch (or AWS) says is missing, and names who to grant it to", () => {
    const denied = response(403, {
      error: {
        type: "security_exception",
        reason: "no permissions for [cluster:admin/component_template/put] and User [name=wikistream]",
      },
    });
    const line = explainOpenSearchSetupError(denied, "https://os-1:9200,https://os-2:9200");
    expect(line).toBe(
      'OpenSearch at https://os-1:9200,https://os-2:9200 (OPENSEARCH_URL) denied this user (HTTP 403: no permissions for [cluster:admin/component_template/put] and User [name=wikistream]): grant the user of OPENSEARCH_USERNAME (or, with OPENSEARCH_AUTH=sigv4, the AWS role) the cluster and index permissions the indexer needs (apps/indexer/README.md, "OpenSearch permissions")',
    );
    const aws = response(403, { message: "The security token included in the request is invalid." });
    expect(explainOpenSearchSetupError(aws, "x")).toContain("(HTTP 403: The security token included");
  });
  it("a write block's 403 is the cluster's state, left to the caller", () => {
    const blocked = response(403, {
      error: { type: "cluster_block_exception", reason: "blocked by: [FORBIDDEN/12]" },
    });
    expect(classifyOpenSearchError(blocked).kind).toBe("other");
  });
  it("SigV4 without AWS credentials names OPENSEARCH_AUTH and where the chain looks", () => {
    // What the AWS SDK's default chain throws when it finds nothing (seen with OPENSEARCH_AUTH=sigv4).
    const missing = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    const failure = classifyOpenSearchError(missing);
    expect(failure.kind).toBe("no_aws_credentials");
    expect(isOpenSearchSetupFailure(failure)).toBe(true);
    expect(explainOpenSearchSetupError(missing, "https://search.example")).toContain(
      "OPENSEARCH_AUTH=sigv4 found no AWS credentials (Could not load credentials from any providers): give the process credentials",
    );
  });
});
