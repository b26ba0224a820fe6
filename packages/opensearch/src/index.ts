export { createOpenSearch, displayUrl, type OpenSearchOptions } from "./client.ts";
