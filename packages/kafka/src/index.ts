export {
  createKafka,
  createProducer,
  type KafkaClientOptions,
  type ProducerOptions,
  producerSettings,
} from "./client.ts";
export { ensureTopics, type TopicSpec } from "./topics.ts";
