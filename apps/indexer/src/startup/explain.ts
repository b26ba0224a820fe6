import { classifyKafkaError, explainKafkaStartupError, kafkaAclFix } from "@wikistream/kafka";
import { displayUrl, explainOpenSearchSetupError } from "@wikistream/opensearch";
import { DeadlineExceededError, errorMessage, WikistreamError } from "@wikistream/resilience";
import type { IndexerConfig } from "../config.ts";
import { isGroupCoordinatorNotFound } from "../errors.ts";

type Settings = Pick<IndexerConfig, "kafkaBrokers" | "opensearchUrl" | "httpHost" | "httpPort"> &
  Partial<Pick<IndexerConfig, "kafkaSecurity">>;

function statusOf(error: unknown): number | undefined {
  const fromContext = error instanceof WikistreamError ? error.context.status : undefined;
  if (typeof fromContext === "number") return fromContext;
  const fromMeta = (error as { meta?: { statusCode?: unknown } } | null)?.meta?.statusCode;
  return typeof fromMeta === "number" ? fromMeta : undefined;
}

/**
 * The consumer ended before it joined its group (INDEXER_GROUP_ID). kafkajs drops the broker's
 * GROUP_AUTHORIZATION_FAILED to FindCoordinator and reports KafkaJSGroupCoordinatorNotFound, so that
 * is explained as the group's ACL first; a refusal with its own type names the topic or group.
 */
function explainJoinFailure(error: unknown, config: Settings): string | undefined {
  if (!(error instanceof WikistreamError) || error.code !== "consumer_crashed") return undefined;
  const group = error.context.groupId;
  if (typeof group !== "string") return undefined;
  const brokers = config.kafkaBrokers.join(",");
  const failure = classifyKafkaError(error.cause);
  const settings = { brokers, security: config.kafkaSecurity };
  if (isGroupCoordinatorNotFound(error.cause)) {
    const fix = kafkaAclFix({ type: "GROUP_AUTHORIZATION_FAILED", group }, brokers, settings.security);
    return `Kafka at ${brokers} (KAFKA_BROKERS) found no coordinator for group ${group} (INDEXER_GROUP_ID): kafkajs reports a group this principal may not read (GROUP_AUTHORIZATION_FAILED) this way. ${fix}; if the ACLs are there, check the brokers' __consumer_offsets topic`;
  }
  if (failure.kind !== "authorization") return undefined;
  const refused = failure.type === "GROUP_AUTHORIZATION_FAILED" ? { group } : { topic: failure.topic };
  const fix = kafkaAclFix({ type: failure.type, ...refused }, brokers, settings.security);
  return `Kafka at ${brokers} (KAFKA_BROKERS) refused the consumer of group ${group} (${failure.type}${failure.topic ? `, topic ${failure.topic}` : ""}): ${failure.detail}. ${fix}`;
}

/** One line that names the setting or address at fault and how to fix it (as ingest's does). */
export function explainStartupError(error: unknown, config: Settings): string {
  const joining = explainJoinFailure(error, config);
  if (joining) return joining;
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
