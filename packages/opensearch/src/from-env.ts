import { loadConfig, openSearchConnectionFromEnv, openSearchConnectionSchema } from "@wikistream/config";
import type { OpenSearchOptions } from "./client.ts";

/**
 * The connection the OPENSEARCH_* variables describe (TLS files, basic auth or SigV4, `*_FILE`
 * secrets), as the indexer resolves them, for tools that read nothing else (the CLI). `urls` are the
 * nodes when the caller took them from elsewhere (a flag); then OPENSEARCH_URL is not read. Throws
 * @wikistream/config's ConfigError (code `config_invalid`) naming every bad variable, never a secret.
 */
export function openSearchOptionsFromEnv(
  app: string,
  env: Record<string, string | undefined>,
  urls?: readonly string[],
): OpenSearchOptions {
  const source = urls === undefined ? env : { ...env, OPENSEARCH_URL: undefined };
  const raw = loadConfig(app, openSearchConnectionSchema, source);
  return openSearchConnectionFromEnv(app, urls ?? raw.OPENSEARCH_URL, raw);
}
