import { Client, type ClientOptions } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { displayUrls, nodeTlsOptions, type TlsSettings } from "@wikistream/config";

/** AWS credentials as the AWS SDK's providers return them; injected in tests. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type OpenSearchAuth =
  | { kind: "basic"; username: string; password: string }
  /**
   * AWS SigV4 through the client's own signer: `es` for Amazon OpenSearch Service, `aoss` for
   * Serverless. Without getCredentials the signer loads the AWS SDK's default credential chain.
   */
  | { kind: "sigv4"; region: string; service: "es" | "aoss"; getCredentials?: () => Promise<AwsCredentials> };

export interface OpenSearchOptions {
  /** One node, or several (the client spreads requests and skips dead ones). Credentials belong in `auth`. */
  url: string | readonly string[];
  /** TLS for https nodes (the one shape @wikistream/config reads from files). */
  ssl?: TlsSettings | undefined;
  auth?: OpenSearchAuth | undefined;
  /** @deprecated use `auth: { kind: "basic", ... }`; kept while the apps move over. */
  username?: string | undefined;
  /** @deprecated use `auth`. */
  password?: string | undefined;
  requestTimeoutMs?: number;
}

function authOf(options: OpenSearchOptions): OpenSearchAuth | undefined {
  if (options.auth) return options.auth;
  return options.username && options.password
    ? { kind: "basic", username: options.username, password: options.password }
    : undefined;
}

/** The client options, apart so a test can read them without a connection. */
export function openSearchClientOptions(options: OpenSearchOptions): ClientOptions {
  const auth = authOf(options);
  const config: ClientOptions = {
    node: typeof options.url === "string" ? options.url : [...options.url],
    maxRetries: 0,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    compression: undefined,
  };
  if (options.ssl) config.ssl = nodeTlsOptions(options.ssl);
  if (auth?.kind === "basic") config.auth = { username: auth.username, password: auth.password };
  if (auth?.kind === "sigv4") {
    const signer = AwsSigv4Signer({
      region: auth.region,
      service: auth.service,
      ...(auth.getCredentials ? { getCredentials: auth.getCredentials } : {}),
    });
    Object.assign(config, signer);
  }
  return config;
}

/**
 * An OpenSearch client with our own retry policy: the client's built-in retries are turned off,
 * because the indexer retries per bulk item (only the failed ones) with backoff, and a second,
 * hidden retry layer would resend whole bulk bodies.
 */
export function createOpenSearch(options: OpenSearchOptions): Client {
  return new Client(openSearchClientOptions(options));
}

/**
 * The node URL(s) with any credentials removed (comma-separated when several), for logs and error
 * messages; "(invalid URL)" for a value that does not parse, which may hold a password in any form.
 */
export function displayUrl(url: string | readonly string[]): string {
  return displayUrls(url);
}
