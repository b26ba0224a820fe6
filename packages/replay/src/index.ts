export type { ConnectionStats, EndReason } from "./connection.ts";
export type { IdMode, MinusOneMeans } from "./cursor.ts";
export { ReplayError, type ReplayErrorCode } from "./errors.ts";
export { formatEventId, parseLastEventId, type TopicPosition } from "./event-id.ts";
export {
  type Fault,
  type FaultKind,
  GARBAGE_NOT_JSON,
  GARBAGE_SCHEMA_VIOLATION,
  type InjectedFault,
} from "./faults.ts";
export { commentLine, eventFrame, type LineEnding } from "./frames.ts";
export { multiplyEvents } from "./multiply.ts";
export type { ReplayServerOptions } from "./options.ts";
export type { Pace } from "./pacing.ts";
export type { ParseOptions } from "./parse-recording.ts";
export type { RecordedEvent, RecordedMeta, RecordedPayload } from "./recorded-event.ts";
export {
  type LoadAllOptions,
  type LoadOptions,
  loadAllRecordings,
  loadRecording,
  type RecordingFormat,
} from "./recording.ts";
export { type ReplayServer, type ReplayStats, startReplayServer } from "./server.ts";
export { REAL_RECORDINGS, recordingPath, SCHEMA_EXAMPLES, sharedDataDir } from "./shared-data.ts";
export { canonicalStreamName, EVENTSTREAMS_STREAMS, streamFromSchema, topicFor } from "./stream-names.ts";
export type { ChunkingOptions } from "./writer.ts";
