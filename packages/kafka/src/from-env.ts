import {
  type KafkaConnectionSettings,
  kafkaConnectionFromEnv,
  kafkaConnectionSchema,
  loadConfig,
} from "@wikistream/config";

/**
 * The connection the KAFKA_SSL_* and KAFKA_SASL_* variables describe (TLS files, SASL PLAIN, SCRAM or
 * AWS MSK IAM, `*_FILE` secrets), resolved as the apps resolve them, for tools that read nothing else
 * (the CLI). Throws @wikistream/config's ConfigError (code `config_invalid`) naming every bad
 * variable, never a secret.
 */
export function kafkaSecurityFromEnv(
  app: string,
  env: Record<string, string | undefined>,
): KafkaConnectionSettings {
  return kafkaConnectionFromEnv(app, loadConfig(app, kafkaConnectionSchema, env));
}
