// Re-exports the stack helpers under their former path (bench/throughput.ts imports them from here).
// Tests import the concept they use, most often ./sandbox.ts.

export { waitFor } from "@wikistream/testkit";
export * from "./cleanup.ts";
export * from "./clients.ts";
export * from "./documents.ts";
export * from "./in-process-indexer.ts";
export * from "./indexer-env.ts";
export * from "./local-stack.ts";
export * from "./names.ts";
export * from "./produce.ts";
export * from "./topics.ts";
