export { type Check, compileCheck } from "./check.ts";
export {
  type DeadLetterFacts,
  type DeadLetterHeaderText,
  type DeadLetterStage,
  deadLetterHeaders,
  deadLetterHeaderValues,
  isDeadLetter,
  originalHeaders,
  readDeadLetterHeaders,
  redriveHeader,
} from "./dead-letter-contract.ts";
export { type Envelope, envelopeSchema, type Meta, metaSchema } from "./envelope.ts";
export { type PageChange, pageChangeSchema } from "./page-change.ts";
export { type RecentChange, recentChangeSchema } from "./recentchange.ts";
export { type KeyedEvent, recordHeaders, recordKey } from "./record-contract.ts";
export {
  isStreamName,
  knownStreamNames,
  resolveStream,
  type StreamName,
  streams,
  topicForStream,
} from "./streams.ts";
export {
  decodeEvent,
  describeIssues,
  isCanary,
  type RejectReason,
  type Validation,
  validateEvent,
} from "./validate.ts";
