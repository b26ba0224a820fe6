export {
  type AwsCredentials,
  createOpenSearch,
  displayUrl,
  type OpenSearchAuth,
  type OpenSearchOptions,
  type OpenSearchTlsOptions,
  openSearchClientOptions,
  openSearchTlsConfig,
} from "./client.ts";
export {
  classifyOpenSearchError,
  explainOpenSearchSetupError,
  isOpenSearchSetupFailure,
  type OpenSearchFailure,
} from "./explain.ts";
