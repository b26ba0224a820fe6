import { Client } from "@opensearch-project/opensearch";

export interface OpenSearchOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  requestTimeoutMs?: number;
}

/**
 * An OpenSearch client with our own retry policy: the client's built-in retries are turned off,
 * because the indexer retries per bulk item (only the failed ones) with backoff, and a second,
 * hidden retry layer would resend whole bulk bodies.
 */
export function createOpenSearch(options: OpenSearchOptions): Client {
  const auth =
    options.username && options.password
      ? { username: options.username, password: options.password }
      : undefined;
  return new Client({
    node: options.url,
    auth,
    maxRetries: 0,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    compression: undefined,
  });
}

/** The URL with any credentials removed, for logs and error messages. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}
