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
