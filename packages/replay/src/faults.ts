/**
 * Faults the replay server injects, one per incoming stream request, in order: request n gets
 * `faults[n]`, later requests are served normally. `afterEvents` counts complete events on that
 * connection.
 */
export type Fault =
  /** Answer at once with this status (429 and 503 are what the real edge sends), and a Retry-After. */
  | {
      readonly kind: "status";
      readonly status: number;
      readonly retryAfterSeconds?: number;
      readonly body?: string;
    }
  /** Send half of the next frame, cut inside `data:` (inside a UTF-8 character when there is one), then reset. */
  | { readonly kind: "dropMidFrame"; readonly afterEvents: number }
  /**
   * Send a frame whose data is not JSON (or `bytes`, written verbatim), then one with JSON that breaks
   * the schema (`{"meta":{}}`), then go on normally.
   */
  | { readonly kind: "garbage"; readonly afterEvents: number; readonly bytes?: string | Uint8Array }
  /**
   * Send one frame whose `data:` line is `bytes` bytes of "x" (an endless line, as far as a client
   * can tell, unless it bounds what it holds), end it with a blank line, then go on normally.
   */
  | { readonly kind: "oversized"; readonly afterEvents: number; readonly bytes: number }
  /** Stop sending anything, keep the socket open, until the client leaves or the server closes. */
  | { readonly kind: "stall"; readonly afterEvents: number }
  /** End the response cleanly, like an edge timeout. */
  | { readonly kind: "close"; readonly afterEvents: number };

export type FaultKind = Fault["kind"];

/** What a fault actually did, for assertions (`ReplayServer.stats.injected`). */
export interface InjectedFault {
  /** Index of the connection (0-based) in `stats.connections`. */
  readonly connection: number;
  readonly fault: Fault;
  /** Complete events sent on that connection before the fault. */
  readonly afterEvents: number;
  /** Garbage: the data payloads (or raw bytes, as UTF-8 with U+FFFD for invalid bytes) sent. */
  readonly payloads?: readonly string[];
  /** dropMidFrame: bytes of the cut frame that were sent, and whether the cut split a UTF-8 character. */
  readonly bytesSent?: number;
  readonly insideCharacter?: boolean;
  /** oversized: bytes of the data line sent. */
  readonly dataBytes?: number;
}

/** The non-JSON payload and the schema-breaking payload of a garbage fault. */
export const GARBAGE_NOT_JSON = "{not json";
export const GARBAGE_SCHEMA_VIOLATION = '{"meta":{}}';
