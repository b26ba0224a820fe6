import { DeadlineExceededError } from "@wikistream/resilience";
import { classifyKafkaError, describeKafkaFailure } from "./errors.ts";
import type { KafkaSecurityOptions } from "./security.ts";
import { kafkaAuthenticationFix } from "./security-explain.ts";

/** True for errors kafkajs raised (by class name) and our own Kafka errors (by code). */
function isKafkaError(error: unknown): boolean {
  for (let e = error as { name?: unknown; code?: unknown; cause?: unknown } | undefined; e; ) {
    if (typeof e.name === "string" && e.name.startsWith("KafkaJS")) return true;
    if (typeof e.code === "string" && e.code.startsWith("kafka_")) return true;
    e = typeof e.cause === "object" && e.cause !== null ? e.cause : undefined;
  }
  return false;
}

/**
 * One start-up line for a Kafka failure, naming what failed and the setting that fixes it, or
 * undefined when the error is not Kafka's. Chosen by the error's class and protocol type.
 */
export function explainKafkaStartupError(
  error: unknown,
  settings: { brokers: readonly string[]; timeoutVariable: string; security?: KafkaSecurityOptions },
): string | undefined {
  if (!isKafkaError(error)) return undefined;
  const brokers = settings.brokers.join(",");
  const failure = classifyKafkaError(error);
  const waited =
    error instanceof DeadlineExceededError
      ? ` (${error.waited}; ${settings.timeoutVariable} sets how long start-up waits)`
      : "";
  const what = describeKafkaFailure(failure);
  switch (failure.kind) {
    case "unreachable":
      return `cannot reach Kafka at ${brokers} (KAFKA_BROKERS): ${failure.detail}${waited}. Start the local stack with \`npm run stack:up\` or point KAFKA_BROKERS at a running broker`;
    case "no_leader":
    case "transient":
      return `Kafka at ${brokers} answered, but ${what}${waited}. Check the brokers' health and the topic's replicas (kafka-topics.sh --describe)`;
    case "authentication":
      return `Kafka at ${brokers} (KAFKA_BROKERS): ${what}. ${kafkaAuthenticationFix(error, settings.security)}`;
    case "authorization":
      return `Kafka at ${brokers} (KAFKA_BROKERS): ${what}. ${kafkaAclFix(failure, brokers, settings.security)}`;
    case "fatal":
      return `Kafka at ${brokers} (KAFKA_BROKERS) failed: ${what}${waited}`;
  }
}

/** The operation an ACL must allow after a refusal of this type, where the refused request is unknown. */
const aclOperations: Record<string, string> = {
  TOPIC_AUTHORIZATION_FAILED: "Describe",
  GROUP_AUTHORIZATION_FAILED: "Read",
  CLUSTER_AUTHORIZATION_FAILED: "IdempotentWrite",
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: "Write",
};

/**
 * Who was refused, and the kafka-acls.sh command that grants it: the principal is the SASL user
 * (KAFKA_SASL_USERNAME); the resource is the topic or group the refusal names, where it names one;
 * `operation` the refused request's (Write to produce, Read to consume), else the type's usual one.
 */
export function kafkaAclFix(
  refused: { type: string; topic?: string | undefined; group?: string; operation?: string },
  brokers: string,
  security?: KafkaSecurityOptions,
): string {
  const sasl = security?.sasl;
  const principal = sasl && "username" in sasl ? `User:${sasl.username}` : "User:<principal>";
  const resource = refused.group
    ? `--group ${refused.group}`
    : refused.topic
      ? `--topic ${refused.topic}`
      : refused.type === "CLUSTER_AUTHORIZATION_FAILED"
        ? "--cluster"
        : "--topic <topic>";
  const operation = refused.operation ?? aclOperations[refused.type] ?? "<operation>";
  return `Grant ${principal} the ACLs the README lists for this app ("Topics and ACLs"), here: kafka-acls.sh --bootstrap-server ${brokers} --command-config admin.properties --add --allow-principal ${principal} --operation ${operation} ${resource}`;
}
