export {
  createKafka,
  createProducer,
  type KafkaClientOptions,
  type ProducerOptions,
  producerSettings,
} from "./client.ts";
export { checkTopicDurability } from "./durability.ts";
export {
  classifyKafkaError,
  describeKafkaFailure,
  isRetriableKafkaFailure,
  type KafkaFailure,
  PartitionLeaderError,
} from "./errors.ts";
export { explainKafkaStartupError, kafkaAclFix } from "./explain.ts";
export { kafkaSecurityFromEnv } from "./from-env.ts";
export { classifyProduceError, type ProduceErrorKind, produceErrorCode } from "./produce-errors.ts";
export {
  inspectTopicReplication,
  type ReplicationFacts,
  type ReplicationWarning,
  readReplicationFacts,
  replicationWarnings,
  type TopicReplication,
} from "./replication.ts";
export {
  describeKafkaSecurity,
  type KafkaSaslOptions,
  type KafkaSecurityOptions,
  kafkaSecurityConfig,
  type MskTokenSource,
} from "./security.ts";
export { kafkaAuthenticationFix } from "./security-explain.ts";
export { type SettleOptions, untilClusterSettles } from "./startup.ts";
export { describeTopic, ensureTopics, type TopicSpec, topicConfigEntries } from "./topics.ts";
