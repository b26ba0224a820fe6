export {
  createKafka,
  createProducer,
  type KafkaClientOptions,
  type ProducerOptions,
  producerSettings,
} from "./client.ts";
export {
  classifyKafkaError,
  describeKafkaFailure,
  isRetriableKafkaFailure,
  type KafkaFailure,
  PartitionLeaderError,
} from "./errors.ts";
export { explainKafkaStartupError } from "./explain.ts";
export { classifyProduceError, type ProduceErrorKind, produceErrorCode } from "./produce-errors.ts";
export { type SettleOptions, untilClusterSettles } from "./startup.ts";
export { describeTopic, ensureTopics, type TopicSpec } from "./topics.ts";
