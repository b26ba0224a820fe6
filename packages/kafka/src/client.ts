import type { Logger } from "@wikistream/log";
import { Kafka, type KafkaConfig, logLevel, Partitioners, type Producer, type ProducerConfig } from "kafkajs";
import { type KafkaSecurityOptions, kafkaSecurityConfig } from "./security.ts";

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** How long a connection attempt may take; small so an unreachable broker is reported quickly. */
  connectionTimeoutMs?: number;
  /** kafkajs' own retries of a request before it surfaces the error to us. */
  retries?: number;
  /** TLS and SASL, as @wikistream/config's kafkaConnectionFromEnv resolves them; plaintext when unset. */
  security?: KafkaSecurityOptions;
}

const levelName: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/**
 * Warnings kafkajs prints for choices we made on purpose. Limited retries on the idempotent producer:
 * callers keep a failed batch and send it again, so a broker outage surfaces as errors (counted,
 * alerted on) instead of a send that hangs inside kafkajs; the resent batch may duplicate records,
 * which `_id = meta.id` absorbs downstream.
 */
export function isExpectedKafkaWarning(message: string): boolean {
  return message.startsWith("Limiting retries for the idempotent producer");
}

/**
 * kafkajs logs every failed request at error level, including the answer we ask for on purpose when
 * we check whether a topic exists (describeTopic): a missing topic is an expected answer, not an error.
 */
export function isExpectedMissingTopic(message: string, fields: Record<string, unknown>): boolean {
  return (
    message.startsWith("Response Metadata") &&
    fields.error === "This server does not host this topic-partition"
  );
}

/** A kafkajs client whose own logs go through our structured logger. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...kafkaSecurityConfig(options.security),
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message: raw, timestamp: _t, logger: _l, ...fields } = log;
        // kafkajs sometimes logs a non-string message (seen: a failed SASL re-authentication); a log
        // creator that throws there crashes the consumer with a TypeError instead of the real error.
        const message =
          typeof raw === "string" ? raw : String((raw as { message?: unknown })?.message ?? raw);
        if (isExpectedKafkaWarning(message)) return;
        const name = isExpectedMissingTopic(message, fields) ? "debug" : (levelName[level] ?? "info");
        options.logger[name](`kafkajs: ${message}`, fields);
      },
  };
  return new Kafka(config);
}

export interface ProducerOptions {
  idempotent?: boolean;
  /** Only with idempotent=false; an idempotent producer always waits for all in-sync replicas. */
  acks?: -1 | 0 | 1;
  transactionTimeoutMs?: number;
}

/**
 * Producer settings, normalised: an idempotent producer implies acks=all and a single in-flight
 * request (kafkajs reorders retried batches otherwise, see tulios/kafkajs#598), so a caller cannot
 * combine it with a weaker acks by mistake.
 */
export function producerSettings(options: ProducerOptions = {}): {
  config: ProducerConfig;
  acks: -1 | 0 | 1;
} {
  const idempotent = options.idempotent ?? true;
  if (idempotent && options.acks !== undefined && options.acks !== -1) {
    throw new Error(`an idempotent producer needs acks=-1 (all), got acks=${options.acks}`);
  }
  return {
    config: {
      idempotent,
      maxInFlightRequests: idempotent ? 1 : undefined,
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner: a key lands in the same partition whichever client wrote it.
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionTimeout: options.transactionTimeoutMs,
    },
    acks: idempotent ? -1 : (options.acks ?? -1),
  };
}

export function createProducer(
  kafka: Kafka,
  options: ProducerOptions = {},
): { producer: Producer; acks: -1 | 0 | 1 } {
  const { config, acks } = producerSettings(options);
  return { producer: kafka.producer(config), acks };
}
