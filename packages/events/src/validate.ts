import type { z } from "zod";
import { type StreamName, streams } from "./streams.ts";

export type RejectReason = "invalid_json" | "schema_violation" | "unknown_stream" | "stream_mismatch";

export type Validation<T> = { ok: true; event: T } | { ok: false; reason: RejectReason; detail: string };

/** Compact, human-readable zod issues: `meta.id: expected a UUID; dt: Required`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Validates an already-parsed value against the schema of `stream`. */
export function validateEvent(
  stream: StreamName,
  value: unknown,
): Validation<z.infer<(typeof streams)[StreamName]>> {
  const result = streams[stream].safeParse(value);
  if (!result.success) return { ok: false, reason: "schema_violation", detail: describeIssues(result.error) };
  // A frame of another stream on this connection would land in the wrong topic and index.
  if (result.data.meta.stream !== stream && !result.data.meta.stream.startsWith(`${stream}.`)) {
    return { ok: false, reason: "stream_mismatch", detail: `meta.stream is ${result.data.meta.stream}` };
  }
  return { ok: true, event: result.data };
}

/** Parses and validates one SSE `data` payload. Never throws. */
export function decodeEvent(
  stream: StreamName,
  data: string,
): Validation<z.infer<(typeof streams)[StreamName]>> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    return { ok: false, reason: "invalid_json", detail: (error as Error).message };
  }
  return validateEvent(stream, value);
}

/** Canary (heartbeat) events are injected hourly since 2023-12 and must be discarded by consumers. */
export function isCanary(event: { meta: { domain?: string | undefined } }): boolean {
  return event.meta.domain === "canary";
}
