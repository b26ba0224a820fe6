import type { Client } from "@opensearch-project/opensearch";
import { errorMessage } from "@wikistream/resilience";
import { OpenSearchTimeoutError, OpenSearchUnavailableError } from "../errors.ts";
import type { BulkAnswer } from "./classify.ts";

export interface BulkClient {
  /** Sends one `_bulk` body (NDJSON, UTF-8). Never throws: every failure is a BulkAnswer for classify(). */
  send(body: Uint8Array): Promise<BulkAnswer>;
}

/**
 * The parts of the answer classify() reads: per item its status and error, `errors`, and a whole
 * request's `error` and `status`. OpenSearch leaves out the rest (index, _id, version, shards, seq_no:
 * ~200 bytes an item), so it serialises, and we parse, a tenth of the answer.
 */
export const RESPONSE_FIELDS = "errors,status,error,items.*.status,items.*.error";

type TransportFailure = { name?: string; meta?: { statusCode?: unknown; body?: unknown } };

/**
 * `_bulk` over the OpenSearch client, whose own retries are off (see @wikistream/opensearch): a failed
 * request comes straight back here, and the pipeline retries only the items that need it.
 */
export function createBulkClient(options: { client: Client; timeoutMs: number }): BulkClient {
  return {
    async send(body) {
      try {
        // transport.request sends a Buffer as it is, its length known (a string it would measure with
        // Buffer.byteLength, a Uint8Array it would try to serialise); client.bulk() takes arrays only.
        const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        const response = await options.client.transport.request(
          { method: "POST", path: "/_bulk", querystring: { filter_path: RESPONSE_FIELDS }, bulkBody: bytes },
          { requestTimeout: options.timeoutMs },
        );
        return { kind: "response", status: response.statusCode ?? 200, body: response.body };
      } catch (error) {
        const failure = error as TransportFailure;
        const status = failure.meta?.statusCode;
        // ResponseError: an HTTP answer with an error status; classify() decides what it means.
        if (failure.name === "ResponseError" && typeof status === "number") {
          return { kind: "response", status, body: failure.meta?.body };
        }
        if (failure.name === "TimeoutError" || failure.name === "RequestAbortedError") {
          return {
            kind: "no_response",
            error: new OpenSearchTimeoutError(`bulk request timed out after ${options.timeoutMs} ms`, {
              cause: error,
            }),
          };
        }
        // A 2xx with a body that is not JSON: answered, but unreadable per item.
        if (failure.name === "DeserializationError") {
          return { kind: "response", status: 200, body: undefined };
        }
        return {
          kind: "no_response",
          error: new OpenSearchUnavailableError(`bulk request failed: ${errorMessage(error)}`, {
            cause: error,
          }),
        };
      }
    },
  };
}
