import { errors } from "@opensearch-project/opensearch";
import { describe, expect, it } from "vitest";
import { IndexTemplateError } from "../errors.ts";
import { waitOutAtStart } from "./opensearch-retry.ts";

const response = (statusCode: number, body: unknown = {}) =>
  new errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} as never });
const connection = (message: string) => new errors.ConnectionError(message, {} as never);
/** As installIndexTemplates wraps a failed request: retryable when nothing answered, or 429/5xx. */
const step = (cause: unknown, retryable: boolean) =>
  new IndexTemplateError("component template wikistream-settings failed", retryable, { cause });
const credentialsMissing = Object.assign(new Error("Could not load credentials from any providers"), {
  name: "CredentialsProviderError",
});

describe("waitOutAtStart", () => {
  it("regression: a wrong CA was waited out until INDEXER_STARTUP_TIMEOUT_MS, as if the cluster were settling", () => {
    expect(waitOutAtStart(step(connection("self-signed certificate in certificate chain"), true))).toBe(
      false,
    );
    expect(waitOutAtStart(step(connection("unable to get local issuer certificate"), true))).toBe(false);
  });

  it("stops on every other configuration fault, also when the step called it retryable", () => {
    expect(waitOutAtStart(step(connection("Hostname/IP does not match certificate's altnames"), true))).toBe(
      false,
    );
    expect(waitOutAtStart(step(connection("SSL routines::wrong version number"), true))).toBe(false);
    expect(waitOutAtStart(step(credentialsMissing, true))).toBe(false);
    expect(waitOutAtStart(step(response(401), false))).toBe(false);
    expect(waitOutAtStart(step(response(403, { error: { type: "security_exception" } }), false))).toBe(false);
  });

  it("waits out what a settling cluster answers", () => {
    expect(waitOutAtStart(step(connection("connect ECONNREFUSED 127.0.0.1:9200"), true))).toBe(true);
    expect(waitOutAtStart(step(new errors.TimeoutError("Request timed out", {} as never), true))).toBe(true);
    expect(waitOutAtStart(step(response(503), true))).toBe(true);
    expect(waitOutAtStart(step(response(429), true))).toBe(true);
  });

  it("leaves the rest to the step: a refused template or a write block stops, as before", () => {
    expect(waitOutAtStart(step(response(400), false))).toBe(false);
    expect(waitOutAtStart(step(response(403, { error: { type: "cluster_block_exception" } }), false))).toBe(
      false,
    );
    expect(waitOutAtStart(new Error("no retryable flag"))).toBe(false);
  });
});
