import type { z } from "zod";
import { type Check, compileCheck } from "./check.ts";
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

type StreamEvent = z.infer<(typeof streams)[StreamName]>;

/** Each stream's schema compiled to a check (see compileCheck): same verdicts, no copy. */
const checks = Object.fromEntries(
  Object.entries(streams).map(([name, schema]) => [name, compileCheck(schema)]),
) as Record<StreamName, Check>;

/**
 * Validates an already-parsed value against the schema of `stream`. A valid value is returned as it
 * is (zod's parse would return a deep-equal copy); only a rejected one is parsed by zod, for its issues.
 */
export function validateEvent(stream: StreamName, value: unknown): Validation<StreamEvent> {
  if (!checks[stream](value)) {
    const result = streams[stream].safeParse(value);
    // The check and the schema agree (check.test.ts); should they ever not, zod's verdict stands.
    if (result.success) return acceptStream(stream, result.data);
    return { ok: false, reason: "schema_violation", detail: describeIssues(result.error) };
  }
  return acceptStream(stream, value as StreamEvent);
}

function acceptStream(stream: StreamName, event: StreamEvent): Validation<StreamEvent> {
  // A frame of another stream on this connection would land in the wrong topic and index.
  if (event.meta.stream !== stream && !event.meta.stream.startsWith(`${stream}.`)) {
    return { ok: false, reason: "stream_mismatch", detail: `meta.stream is ${event.meta.stream}` };
  }
  return { ok: true, event };
}

/** Parses and validates one SSE `data` payload. Never throws. */
export function decodeEvent(stream: StreamName, data: string): Validation<StreamEvent> {
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
