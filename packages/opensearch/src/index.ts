// OPENSEARCH_URL's list form, for tools that take it from a flag (the CLI) rather than a schema.
export { type OpenSearchUrlsParse, parseOpenSearchUrls } from "@wikistream/config";
export {
  type AwsCredentials,
  createOpenSearch,
  displayUrl,
  type OpenSearchAuth,
  type OpenSearchOptions,
  openSearchClientOptions,
} from "./client.ts";
export {
  classifyOpenSearchError,
  explainOpenSearchSetupError,
  isOpenSearchSetupFailure,
  type OpenSearchFailure,
} from "./explain.ts";
export { openSearchOptionsFromEnv } from "./from-env.ts";
