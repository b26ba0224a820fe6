import { z } from "zod";
import { env } from "./env.ts";
import { ConfigError, invalidSetting } from "./load.ts";
import { openSearchUrlsEnv, parseOpenSearchUrls } from "./opensearch-urls.ts";
import {
  Problems,
  type RawEnv,
  type ReadFile,
  readTextFile,
  requiredFromEnv,
  secretFromEnv,
} from "./secrets.ts";
import { type TlsSettings, tlsFilesGiven, tlsFromEnv } from "./tls.ts";

export const openSearchAuthKinds = ["none", "basic", "sigv4"] as const;

/**
 * The OpenSearch connection variables (besides OPENSEARCH_URL, which each app declares with its
 * default through openSearchUrlsEnv); spread into an app's schema, then resolve with
 * openSearchConnectionFromEnv.
 */
export const openSearchConnectionEnv = {
  /** Unset: basic when OPENSEARCH_USERNAME (or the URL) carries credentials, none otherwise. */
  OPENSEARCH_AUTH: z.enum(openSearchAuthKinds, { message: "expected none, basic or sigv4" }).optional(),
  OPENSEARCH_USERNAME: env.optionalString(),
  OPENSEARCH_USERNAME_FILE: env.optionalString(),
  OPENSEARCH_PASSWORD: env.optionalString(),
  OPENSEARCH_PASSWORD_FILE: env.optionalString(),
  OPENSEARCH_AWS_REGION: env.optionalString(),
  OPENSEARCH_AWS_SERVICE: env.enumOf(["es", "aoss"], "es"),
  OPENSEARCH_SSL_CA_FILE: env.optionalString(),
  OPENSEARCH_SSL_CERT_FILE: env.optionalString(),
  OPENSEARCH_SSL_KEY_FILE: env.optionalString(),
  OPENSEARCH_SSL_KEY_PASSWORD: env.optionalString(),
  OPENSEARCH_SSL_KEY_PASSWORD_FILE: env.optionalString(),
  OPENSEARCH_SSL_REJECT_UNAUTHORIZED: env.bool(true),
  OPENSEARCH_SSL_VERIFY_HOSTNAME: env.bool(true),
  OPENSEARCH_ALLOW_INSECURE_AUTH: env.bool(false),
};

export type OpenSearchAuthSettings =
  | { kind: "basic"; username: string; password: string }
  /** AWS SigV4 with the standard AWS credential chain: `es` for OpenSearch Service, `aoss` for Serverless. */
  | { kind: "sigv4"; region: string; service: "es" | "aoss" };

/** What @wikistream/opensearch's createOpenSearch takes. */
export interface OpenSearchConnectionSettings {
  /** The node URLs (OPENSEARCH_URL's list) without credentials: those move into `auth`. */
  url: readonly string[];
  ssl: TlsSettings | undefined;
  auth: OpenSearchAuthSettings | undefined;
}

/**
 * Resolves the parsed OpenSearch variables for `urls` (the app's OPENSEARCH_URL, parsed by
 * openSearchUrlsEnv, or a raw value to parse): reads certificate and secret files, takes credentials
 * from a single URL or the variables (not both), and refuses credentials over plain http unless
 * OPENSEARCH_ALLOW_INSECURE_AUTH says it is intended. Throws one ConfigError listing every problem;
 * secrets never appear in it.
 */
export function openSearchConnectionFromEnv(
  app: string,
  urls: string | readonly string[],
  raw: RawEnv,
  read: ReadFile = readTextFile,
): OpenSearchConnectionSettings {
  const problems = new Problems();
  const nodes = nodesOf(app, urls);
  const https = nodes[0]?.protocol === "https:"; // one scheme for all: openSearchUrlsEnv checks it
  const first = nodes.length === 1 ? nodes[0] : undefined; // a list never carries credentials
  const fromUrl =
    first && first.username !== ""
      ? { username: decodeURIComponent(first.username), password: decodeURIComponent(first.password) }
      : undefined;
  for (const node of nodes) {
    node.username = "";
    node.password = "";
  }
  const shown = nodes.map((node) => node.toString().replace(/\/$/, ""));
  const ssl = https ? tlsFromEnv(raw, "OPENSEARCH_SSL", problems, read) : undefined;
  if (!https) {
    for (const variable of tlsFilesGiven(raw, "OPENSEARCH_SSL")) {
      problems.add(variable, raw[variable], "is used only with an https:// OPENSEARCH_URL");
    }
  }
  const { kind, auth } = authFromEnv(raw, fromUrl, problems, read);
  if (kind !== "none" && !https && raw.OPENSEARCH_ALLOW_INSECURE_AUTH !== true) {
    problems.add(
      "OPENSEARCH_URL",
      shown.join(","),
      `is http:// but ${kind === "basic" ? "a password" : "SigV4 signing"} is configured: use https://, or set OPENSEARCH_ALLOW_INSECURE_AUTH=true if credentials over plain http are intended`,
    );
  }
  if (problems.list.length > 0) throw new ConfigError(app, [...problems.list]);
  return { url: shown, ssl, auth };
}

/** The node URLs as URL objects; a raw value is parsed here (ConfigError naming OPENSEARCH_URL). */
function nodesOf(app: string, urls: string | readonly string[]): URL[] {
  if (typeof urls !== "string") return urls.map((url) => new URL(url));
  const parsed = parseOpenSearchUrls(urls);
  if (!parsed.ok) throw invalidSetting(app, "OPENSEARCH_URL", urls, parsed.problem);
  return parsed.urls.map((url) => new URL(url));
}

type AuthKind = (typeof openSearchAuthKinds)[number];
type Credentials = { username: string | undefined; password: string | undefined };

/** OPENSEARCH_AUTH (basic when credentials are given, else none) and what it needs. */
function authFromEnv(
  raw: RawEnv,
  fromUrl: { username: string; password: string } | undefined,
  problems: Problems,
  read: ReadFile,
): { kind: AuthKind; auth: OpenSearchAuthSettings | undefined } {
  const username = secretFromEnv(raw, "OPENSEARCH_USERNAME", problems, read);
  const password = secretFromEnv(raw, "OPENSEARCH_PASSWORD", problems, read);
  const given = username !== undefined || password !== undefined;
  const kind = (raw.OPENSEARCH_AUTH as AuthKind | undefined) ?? (given || fromUrl ? "basic" : "none");
  if (kind === "none") {
    if (given)
      problems.add(
        "OPENSEARCH_AUTH",
        "none",
        "OPENSEARCH_USERNAME/PASSWORD are set: unset them or OPENSEARCH_AUTH",
      );
    if (fromUrl)
      problems.add(
        "OPENSEARCH_AUTH",
        "none",
        "OPENSEARCH_URL carries credentials: remove them or OPENSEARCH_AUTH",
      );
    return { kind, auth: undefined };
  }
  if (kind === "sigv4") return { kind, auth: sigv4FromEnv(raw, given || fromUrl !== undefined, problems) };
  return { kind, auth: basicAuth({ username, password }, fromUrl, problems) };
}

function sigv4FromEnv(
  raw: RawEnv,
  credentialsGiven: boolean,
  problems: Problems,
): OpenSearchAuthSettings | undefined {
  if (credentialsGiven) {
    problems.add(
      "OPENSEARCH_AUTH",
      "sigv4",
      "signs with the AWS credential chain: unset OPENSEARCH_USERNAME/PASSWORD and the URL's credentials",
    );
  }
  const region = requiredFromEnv(
    raw,
    "OPENSEARCH_AWS_REGION",
    problems,
    "OPENSEARCH_AUTH=sigv4 needs the domain's AWS region, e.g. us-east-1",
  );
  if (region === undefined) return undefined;
  return { kind: "sigv4", region, service: raw.OPENSEARCH_AWS_SERVICE === "aoss" ? "aoss" : "es" };
}

/** Basic auth from the URL's credentials or the variables, not both. */
function basicAuth(
  variables: Credentials,
  fromUrl: Credentials | undefined,
  problems: Problems,
): OpenSearchAuthSettings | undefined {
  if (fromUrl && (variables.username !== undefined || variables.password !== undefined)) {
    problems.add(
      "OPENSEARCH_URL",
      "(credentials in the URL)",
      "credentials are given twice: keep them in the URL or in OPENSEARCH_USERNAME/PASSWORD, not both",
    );
    return undefined;
  }
  const user = fromUrl?.username ?? variables.username;
  const pass = fromUrl?.password ?? variables.password;
  if (!user)
    problems.add(
      "OPENSEARCH_USERNAME",
      undefined,
      "OPENSEARCH_AUTH=basic needs OPENSEARCH_USERNAME or OPENSEARCH_USERNAME_FILE",
    );
  if (!pass)
    problems.add(
      "OPENSEARCH_PASSWORD",
      undefined,
      "OPENSEARCH_AUTH=basic needs OPENSEARCH_PASSWORD or OPENSEARCH_PASSWORD_FILE",
    );
  return user && pass ? { kind: "basic", username: user, password: pass } : undefined;
}

/** The OpenSearch connection variables with OPENSEARCH_URL, for tools and tests that read nothing else. */
export const openSearchConnectionSchema = z.object({
  OPENSEARCH_URL: openSearchUrlsEnv("http://127.0.0.1:9200"),
  ...openSearchConnectionEnv,
});
