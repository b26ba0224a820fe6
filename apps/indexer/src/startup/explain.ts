import { explainKafkaStartupError } from "@wikistream/kafka";
import { displayUrl, explainOpenSearchSetupError } from "@wikistream/opensearch";
import { DeadlineExceededError, errorMessage, WikistreamError } from "@wikistream/resilience";
import type { IndexerConfig } from "../config.ts";

type Settings = Pick<IndexerConfig, "kafkaBrokers" | "opensearchUrl" | "httpHost" | "httpPort"> &
  Partial<Pick<IndexerConfig, "kafkaSecurity">>;

function statusOf(error: unknown): number | undefined {
  const fromContext = error instanceof WikistreamError ? error.context.status : undefined;
  if (typeof fromContext === "number") return fromContext;
  const fromMeta = (error as { meta?: { statusCode?: unknown } } | null)?.meta?.statusCode;
  return typeof fromMeta === "number" ? fromMeta : undefined;
}

/** One line that names the setting or address at fault and how to fix it (as ingest's does). */
export function explainStartupError(error: unknown, config: Settings): string {
  const kafka = explainKafkaStartupError(error, {
    brokers: config.kafkaBrokers,
    timeoutVariable: "INDEXER_STARTUP_TIMEOUT_MS",
    security: config.kafkaSecurity,
  });
  if (kafka) return kafka;
  // Waited out the deadline on OpenSearch: explain the last cause, and say how long we waited.
  if (error instanceof DeadlineExceededError) {
    return `${explainStartupError(error.cause, config)} (${error.waited}; INDEXER_STARTUP_TIMEOUT_MS sets how long start-up waits)`;
  }
  const message = errorMessage(error);
  const code = (error as { code?: string }).code;
  if (code === "EADDRINUSE" || /address already in use|AddrInUse/i.test(message)) {
    return `INDEXER_HTTP_PORT=${config.httpPort}: ${config.httpHost}:${config.httpPort} is already in use; stop what holds it or choose another port`;
  }
  const opensearch = displayUrl(config.opensearchUrl);
  const configured = explainOpenSearchSetupError(error, opensearch);
  if (configured) return configured;
  if (code === "index_template_failed" || code?.startsWith("opensearch_")) {
    const status = statusOf(error);
    const type = error instanceof WikistreamError ? error.context.type : undefined;
    // A block is the cluster's state, not the credentials: say so rather than send someone to rotate them.
    if (type === "cluster_block_exception") {
      return `OpenSearch at ${opensearch} (OPENSEARCH_URL) is blocked for writes (cluster_block_exception): ${message}. Lift the block (cluster.blocks.read_only / index.blocks.*; after a full disk free space, then reset read_only_allow_delete)`;
    }
    if (status === 401 || status === 403 || code === "opensearch_auth_failed") {
      return `OpenSearch at ${opensearch} (OPENSEARCH_URL) refused the credentials${status ? ` with HTTP ${status}` : ""}: ${message}. Check OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD`;
    }
    if (status === undefined) {
      return `cannot reach OpenSearch at ${opensearch} (OPENSEARCH_URL): ${message}. Start the local stack with \`npm run stack:up\` or point OPENSEARCH_URL at a running cluster`;
    }
  }
  return message;
}
