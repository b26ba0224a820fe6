/**
 * What a failed OpenSearch request at start means, and the variable that fixes it. The client keeps
 * the HTTP status on ResponseError; for a connection it keeps only the socket error's message (not
 * its code), so TLS failures are recognised by OpenSSL's fixed wording.
 */
export type OpenSearchFailure =
  | { kind: "unauthorized"; status: 401 }
  /** `reason`: OpenSearch's or AWS's own words (the permission missing), never a secret. */
  | { kind: "forbidden"; status: 403; reason: string | undefined }
  /** OPENSEARCH_AUTH=sigv4 and the AWS SDK's default credential chain found nothing. */
  | { kind: "no_aws_credentials"; detail: string }
  | { kind: "untrusted_certificate"; detail: string }
  | { kind: "wrong_host"; detail: string }
  | { kind: "not_tls"; detail: string }
  | { kind: "other" };

const untrusted =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired/i;

/**
 * The client's own error, also when wrapped: the indexer's start-up steps (templates, settings) wrap it
 * in an error naming the step, with the client's error as `cause`.
 */
export function classifyOpenSearchError(error: unknown): OpenSearchFailure {
  let current = error as { cause?: unknown } | null | undefined;
  for (let depth = 0; depth < 5 && current; depth++) {
    const failure = classifyOne(current);
    if (failure.kind !== "other") return failure;
    current = typeof current.cause === "object" ? (current.cause as typeof current) : undefined;
  }
  return { kind: "other" };
}

type ClientError = { name?: unknown; message?: unknown; meta?: { statusCode?: unknown; body?: unknown } };

/** The reason a 403 gives: OpenSearch's `error.reason`, or the `message`/`Message` AWS answers with. */
function reasonOf(body: unknown): string | undefined {
  const b = (typeof body === "string" ? { message: body } : (body ?? {})) as {
    error?: { reason?: unknown } | string;
    message?: unknown;
    Message?: unknown;
  };
  const reason = typeof b.error === "object" ? b.error.reason : (b.error ?? b.message ?? b.Message);
  return typeof reason === "string" && reason !== "" ? reason.slice(0, 300) : undefined;
}

const isBlock = (body: unknown) =>
  (body as { error?: { type?: unknown } } | null)?.error?.type === "cluster_block_exception";

function classifyOne(error: unknown): OpenSearchFailure {
  const e = (error ?? {}) as ClientError;
  if (e.name === "ResponseError") {
    if (e.meta?.statusCode === 401) return { kind: "unauthorized", status: 401 };
    // A write block answers 403 too: the cluster's state, which the caller explains (not the user's rights).
    if (e.meta?.statusCode === 403 && !isBlock(e.meta.body))
      return { kind: "forbidden", status: 403, reason: reasonOf(e.meta.body) };
  }
  if (e.name === "CredentialsProviderError" && typeof e.message === "string")
    return { kind: "no_aws_credentials", detail: e.message };
  if (e.name === "ConnectionError" && typeof e.message === "string") {
    if (untrusted.test(e.message)) return { kind: "untrusted_certificate", detail: e.message };
    if (/does not match certificate's altnames/i.test(e.message))
      return { kind: "wrong_host", detail: e.message };
    if (/wrong version number|packet length too long/i.test(e.message))
      return { kind: "not_tls", detail: e.message };
  }
  return { kind: "other" };
}

/**
 * Whether waiting cannot fix it: start-up should stop at once with the explanation instead of retrying
 * until its deadline (a refused connection, a 503 or a cluster not yet green are `other`: waited out).
 */
export function isOpenSearchSetupFailure(failure: OpenSearchFailure): boolean {
  return failure.kind !== "other";
}

/**
 * One line for a start-up failure that configuration fixes, naming the variables, or undefined when
 * the error is something else. `url` must already be displayUrl'd; no secret is ever included.
 */
export function explainOpenSearchSetupError(error: unknown, url: string): string | undefined {
  const failure = classifyOpenSearchError(error);
  switch (failure.kind) {
    case "unauthorized":
      return `OpenSearch at ${url} (OPENSEARCH_URL) refused the credentials (HTTP 401): check OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD (or OPENSEARCH_PASSWORD_FILE), or for AWS the credentials the AWS credential chain found and OPENSEARCH_AWS_REGION`;
    case "forbidden":
      return `OpenSearch at ${url} (OPENSEARCH_URL) denied this user (HTTP 403${failure.reason ? `: ${failure.reason}` : ""}): grant the user of OPENSEARCH_USERNAME (or, with OPENSEARCH_AUTH=sigv4, the AWS role) the cluster and index permissions the indexer needs (apps/indexer/README.md, "OpenSearch permissions")`;
    case "no_aws_credentials":
      return `OpenSearch at ${url} (OPENSEARCH_URL): OPENSEARCH_AUTH=sigv4 found no AWS credentials (${failure.detail}): give the process credentials the AWS SDK's default chain reads (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity token or an instance or task role)`;
    case "untrusted_certificate":
      return `OpenSearch at ${url} (OPENSEARCH_URL): the node's certificate is not trusted (${failure.detail}): set OPENSEARCH_SSL_CA_FILE to the CA bundle that signed it`;
    case "wrong_host":
      return `OpenSearch at ${url} (OPENSEARCH_URL): the node's certificate does not name this host: use the host name it was issued for, or set OPENSEARCH_SSL_VERIFY_HOSTNAME=false`;
    case "not_tls":
      return `OpenSearch at ${url} (OPENSEARCH_URL) did not answer TLS: use http:// for a plaintext node, or the node's https port`;
    case "other":
      return undefined;
  }
}
