/**
 * What a failed produce attempt calls for, read from kafkajs' error fields (`type`, `retriable`), never
 * from message text:
 * - `retry`: transient (broker away, leader moving); kafkajs' own retries ran out, so resend as is.
 * - `too_large`: Kafka refused the size (`MESSAGE_TOO_LARGE`, `RECORD_LIST_TOO_LARGE`); resending the
 *   same batch can never succeed, a smaller one can.
 * - `sequence`: the idempotent producer's state is out of step with the broker's
 *   (`OUT_OF_ORDER_SEQUENCE_NUMBER`, `UNKNOWN_PRODUCER_ID`, `INVALID_PRODUCER_EPOCH`); resending with
 *   the same producer fails forever, a new producer (a new producer id) usually succeeds.
 * - `non_retriable`: kafkajs says resending cannot help (e.g. an authorization failure,
 *   `INVALID_TIMESTAMP`) until an operator changes something.
 */
export type ProduceErrorKind = "retry" | "too_large" | "sequence" | "non_retriable";

const tooLarge = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);
const sequence = new Set([
  "OUT_OF_ORDER_SEQUENCE_NUMBER",
  "UNKNOWN_PRODUCER_ID",
  "INVALID_PRODUCER_EPOCH",
  "INVALID_PRODUCER_ID_MAPPING",
]);

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

/**
 * The Kafka error type (e.g. `MESSAGE_TOO_LARGE`) anywhere in the chain, else "unknown": a bounded label.
 * kafkajs raises a refused SASL login (a password rotated under a running client) without the
 * broker's type, so it is named here: SASL_AUTHENTICATION_FAILED.
 */
export function produceErrorCode(error: unknown): string {
  const errors = chain(error);
  if (errors.some((e) => e.name === "KafkaJSSASLAuthenticationError")) return "SASL_AUTHENTICATION_FAILED";
  const typed = errors.find((e) => typeof e.type === "string");
  return typeof typed?.type === "string" ? typed.type : "unknown";
}

export function classifyProduceError(error: unknown): ProduceErrorKind {
  const errors = chain(error);
  if (errors.some((e) => typeof e.type === "string" && tooLarge.has(e.type))) return "too_large";
  if (errors.some((e) => typeof e.type === "string" && sequence.has(e.type))) return "sequence";
  // kafkajs reports its own retries running out as non-retriable; what failed underneath was transient.
  if (errors[0]?.name === "KafkaJSNumberOfRetriesExceeded") return "retry";
  // The innermost error is the broker's (or the client's) own verdict; wrappers only relay it.
  const innermost = errors.at(-1);
  return innermost?.retriable === false ? "non_retriable" : "retry";
}
