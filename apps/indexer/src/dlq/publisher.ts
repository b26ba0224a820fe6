import { classifyProduceError, produceErrorCode } from "@wikistream/kafka";
import { errorMessage } from "@wikistream/resilience";
import { CompressionTypes, type Producer } from "kafkajs";
import { DeadLetterPublishError, DeadLetterRefusedError, DeadLetterTooLargeError } from "../errors.ts";
import { deadLetterMessage, type RecordDeadLetter } from "./letter.ts";

export interface DeadLetterPublisher {
  /**
   * Resolves once Kafka acknowledged every letter; throws DeadLetterTooLargeError when Kafka refused
   * the send as too large, DeadLetterRefusedError when resending cannot help by itself
   * (authorization, INVALID_TIMESTAMP, …; `context.kafkaCode`), else DeadLetterPublishError.
   */
  publish(letters: readonly RecordDeadLetter[]): Promise<void>;
}

export function createDeadLetterPublisher(options: {
  producer: Producer;
  topic: string;
  acks: -1 | 0 | 1;
}): DeadLetterPublisher {
  return {
    async publish(letters) {
      if (letters.length === 0) return;
      try {
        await options.producer.send({
          topic: options.topic,
          acks: options.acks,
          compression: CompressionTypes.GZIP,
          messages: letters.map((letter) => deadLetterMessage(letter)),
        });
      } catch (cause) {
        // MESSAGE_TOO_LARGE or RECORD_LIST_TOO_LARGE anywhere in the cause chain: a smaller send may pass.
        const kind = classifyProduceError(cause);
        const kafkaCode = produceErrorCode(cause);
        if (kind === "too_large") {
          throw new DeadLetterTooLargeError(
            `${letters.length} record(s) too large for ${options.topic}: ${errorMessage(cause)}`,
            { cause, context: { topic: options.topic } },
          );
        }
        if (kind === "non_retriable") {
          throw new DeadLetterRefusedError(
            `Kafka refused ${letters.length} record(s) for ${options.topic} with ${kafkaCode}, which resending cannot fix by itself: ${errorMessage(cause)}`,
            { cause, context: { topic: options.topic, kafkaCode } },
          );
        }
        throw new DeadLetterPublishError(
          `could not write ${letters.length} record(s) to ${options.topic}: ${errorMessage(cause)}`,
          { cause, context: { topic: options.topic, kafkaCode } },
        );
      }
    },
  };
}
