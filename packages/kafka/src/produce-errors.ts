/**
 * What a failed produce attempt calls for, read from kafkajs' error fields (`type`, `retriable`), never
 * from message text:
 * - `retry`: transient (broker away, leader moving); kafkajs' own retries ran out, so resend as is.
 * - `too_large`: Kafka refused the size (`MESSAGE_TOO_LARGE`, `RECORD_LIST_TOO_LARGE`); resending the
 *   same batch can never succeed, a smaller one can.
 * - `non_retriable`: kafkajs says resending cannot help (e.g. an authorization failure) until an
 *   operator changes something.
 */
export type ProduceErrorKind = "retry" | "too_large" | "non_retriable";

const tooLarge = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);

interface KafkaErrorFields {
  name?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
}

/** The error and its causes, outermost first (kafkajs wraps the broker's error in its retrier's). */
function chain(error: unknown): KafkaErrorFields[] {
  const errors: KafkaErrorFields[] = [];
  let current = error;
  while (typeof current === "object" && current !== null && errors.length < 10 && !errors.includes(current)) {
    errors.push(current as KafkaErrorFields);
    current = (current as KafkaErrorFields).cause;
  }
  return errors;
}

/** The Kafka error type (e.g. `MESSAGE_TOO_LARGE`) anywhere in the chain, else "unknown": a bounded label. */
export function produceErrorCode(error: unknown): string {
  const typed = chain(error).find((e) => typeof e.type === "string");
  return typeof typed?.type === "string" ? typed.type : "unknown";
}

export function classifyProduceError(error: unknown): ProduceErrorKind {
  const errors = chain(error);
  if (errors.some((e) => typeof e.type === "string" && tooLarge.has(e.type))) return "too_large";
  // kafkajs reports its own retries running out as non-retriable; what failed underneath was transient.
  if (errors[0]?.name === "KafkaJSNumberOfRetriesExceeded") return "retry";
  // The innermost error is the broker's (or the client's) own verdict; wrappers only relay it.
  const innermost = errors.at(-1);
  return innermost?.retriable === false ? "non_retriable" : "retry";
}
