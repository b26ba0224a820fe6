export { env } from "./env.ts";
export {
  type KafkaConnectionSettings,
  type KafkaSaslSettings,
  kafkaConnectionEnv,
  kafkaConnectionFromEnv,
  kafkaConnectionSchema,
  kafkaSaslMechanisms,
} from "./kafka-connection.ts";
export { type KafkaTopicSettings, kafkaTopicEnv, kafkaTopicSettingsFromEnv } from "./kafka-topics.ts";
export {
  ConfigError,
  type ConfigProblem,
  describeConfig,
  invalidSetting,
  loadConfig,
  redact,
} from "./load.ts";
export {
  type OpenSearchAuthSettings,
  type OpenSearchConnectionSettings,
  openSearchAuthKinds,
  openSearchConnectionEnv,
  openSearchConnectionFromEnv,
  openSearchConnectionSchema,
} from "./opensearch-connection.ts";
export {
  displayUrls,
  type OpenSearchUrlsParse,
  openSearchUrlsEnv,
  openSearchUrlsForm,
  parseOpenSearchUrls,
} from "./opensearch-urls.ts";
export { fileFromEnv, Problems, type RawEnv, type ReadFile, secretFromEnv } from "./secrets.ts";
export { nodeTlsOptions, type TlsSettings, tlsFromEnv } from "./tls.ts";
