import { errors } from "@opensearch-project/opensearch";
import { describe, expect, it } from "vitest";
import { classifyOpenSearchError, explainOpenSearchSetupError } from "./explain.ts";

const response = (statusCode: number) =>
  new errors.ResponseError({ body: {}, statusCode, headers: {}, warnings: null, meta: {} as never });

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
});
