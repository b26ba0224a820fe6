import { WikistreamError } from "@wikistream/resilience";

/**
 * What a Kafka error means to an operator, read from the error's class name and protocol type, never
 * from its message. `transient` and `no_leader` are routine moments of a healthy cluster (a topic just
 * created, a leader moving, a broker restarting): wait and retry. The others need a person.
 */
export type KafkaFailure =
  | { kind: "unreachable"; detail: string; broker: string | undefined }
  | {
      kind: "no_leader";
      detail: string;
      type: string;
      topic: string | undefined;
      partition: number | undefined;
    }
  | { kind: "transient"; detail: string; type: string }
  | { kind: "authentication"; detail: string }
  | { kind: "authorization"; detail: string; type: string; topic: string | undefined }
  | { kind: "fatal"; detail: string; type: string | undefined };

/** Protocol error types that mean "this partition has no usable leader right now". */
const leaderTypes = new Set([
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "NOT_LEADER_OR_FOLLOWER",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "PREFERRED_LEADER_NOT_AVAILABLE",
  "UNKNOWN_LEADER_EPOCH",
  "FENCED_LEADER_EPOCH",
  "REPLICA_NOT_AVAILABLE",
]);

/** Error classes kafkajs raises when no broker answered at all. */
const unreachableNames = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
]);

/** Retriable kafkajs error classes that are not protocol errors: the cluster answered, but not yet. */
const transientNames = new Set([
  "KafkaJSRequestTimeoutError",
  "KafkaJSMetadataNotLoaded",
  "KafkaJSTopicMetadataNotLoaded",
  "KafkaJSStaleTopicMetadataAssignment",
  "KafkaJSGroupCoordinatorNotFound",
  "KafkaJSLockTimeout",
  "KafkaJSTimeout",
]);

/**
 * Socket error codes of a TLS handshake that failed on trust or identity: a wrong or missing CA, a
 * certificate for another host, plaintext on one side. Waiting does not fix them, so they are not
 * "unreachable" (which start-up retries until its deadline) but an authentication failure.
 */
export const tlsFailureCodes = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_PACKET_LENGTH_TOO_LONG",
]);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  code?: unknown;
  retriable?: unknown;
  retryable?: unknown;
  cause?: unknown;
  errors?: unknown;
  broker?: unknown;
  topic?: unknown;
  partition?: unknown;
  context?: { topic?: unknown; partition?: unknown };
}

/**
 * The innermost error that says what went wrong: kafkajs wraps the real one in
 * KafkaJSNumberOfRetriesExceeded / KafkaJSNonRetriableError (`cause`) or KafkaJSAggregateError
 * (`errors`), and our own errors wrap it in `cause`.
 */
function innermost(error: unknown): { error: ErrorShape; topic: unknown; partition: unknown } {
  let current = (error ?? {}) as ErrorShape;
  let topic: unknown = current.context?.topic ?? current.topic;
  let partition: unknown = current.context?.partition ?? current.partition;
  for (let depth = 0; depth < 8; depth++) {
    const next = Array.isArray(current.errors) ? current.errors[0] : current.cause;
    if (next === undefined || next === null || typeof next !== "object") break;
    current = next as ErrorShape;
    topic ??= current.context?.topic ?? current.topic;
    partition ??= current.context?.partition ?? current.partition;
  }
  return { error: current, topic, partition };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function classifyKafkaError(error: unknown): KafkaFailure {
  const { error: root, topic, partition } = innermost(error);
  const name = text(root.name) ?? "";
  const type = text(root.type);
  const detail = text(root.message) ?? String(error);
  const socketCode = text(root.code);
  if (socketCode !== undefined && tlsFailureCodes.has(socketCode)) return { kind: "authentication", detail };
  if (unreachableNames.has(name) || socketCode === "ECONNREFUSED" || socketCode === "ENOTFOUND") {
    return { kind: "unreachable", detail, broker: text(root.broker) };
  }
  if (name === "KafkaJSSASLAuthenticationError" || type === "SASL_AUTHENTICATION_FAILED") {
    return { kind: "authentication", detail };
  }
  if (type?.endsWith("_AUTHORIZATION_FAILED")) {
    return { kind: "authorization", detail, type, topic: text(topic) };
  }
  if (type && leaderTypes.has(type)) {
    return {
      kind: "no_leader",
      detail,
      type,
      topic: text(topic),
      partition: typeof partition === "number" ? partition : undefined,
    };
  }
  if (transientNames.has(name)) return { kind: "transient", detail, type: type ?? name };
  if (type && root.retriable === true) return { kind: "transient", detail, type };
  if (root instanceof WikistreamError && root.retryable)
    return { kind: "transient", detail, type: root.code };
  return { kind: "fatal", detail, type };
}

/** Whether waiting can fix it: the broker is down, restarting, or electing a leader. */
export function isRetriableKafkaFailure(failure: KafkaFailure): boolean {
  return failure.kind === "unreachable" || failure.kind === "no_leader" || failure.kind === "transient";
}

/** One phrase naming what failed, e.g. "partition 2 of topic wikistream.recentchange has no leader". */
export function describeKafkaFailure(failure: KafkaFailure): string {
  switch (failure.kind) {
    case "unreachable":
      return `no broker answered${failure.broker ? ` (${failure.broker})` : ""}: ${failure.detail}`;
    case "no_leader": {
      const where =
        failure.topic === undefined
          ? "a partition"
          : failure.partition === undefined
            ? `a partition of topic ${failure.topic}`
            : `partition ${failure.partition} of topic ${failure.topic}`;
      return `${where} has no leader (${failure.type})`;
    }
    case "transient":
      return `the cluster is not ready (${failure.type}): ${failure.detail}`;
    case "authentication":
      return `the brokers refused the credentials: ${failure.detail}`;
    case "authorization":
      return `the brokers denied access (${failure.type}${failure.topic ? `, topic ${failure.topic}` : ""}): ${failure.detail}`;
    case "fatal":
      return failure.type ? `${failure.type}: ${failure.detail}` : failure.detail;
  }
}

/** Our own error for a partition found without a leader, so the message can name it. */
export class PartitionLeaderError extends WikistreamError {
  readonly type: string;
  constructor(topic: string, partition: number, type: string) {
    super("kafka_no_leader", `partition ${partition} of topic ${topic} has no leader (${type})`, {
      retryable: true,
      context: { topic, partition },
    });
    this.name = "PartitionLeaderError";
    this.type = type;
  }
}
