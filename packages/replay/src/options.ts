import type { StreamSettings } from "./connection.ts";
import type { IdMode, MinusOneMeans } from "./cursor.ts";
import { ReplayError } from "./errors.ts";
import type { Fault } from "./faults.ts";
import type { LineEnding } from "./frames.ts";
import type { Pace } from "./pacing.ts";
import type { RecordedEvent } from "./recorded-event.ts";
import type { LoadOptions } from "./recording.ts";
import type { ChunkingOptions } from "./writer.ts";

export interface ReplayServerOptions {
  /** Events to serve, grouped by `stream` in the order given (that order defines the offsets). */
  events?: readonly RecordedEvent[];
  /** Recordings to load and serve after `events`. */
  files?: readonly string[];
  /** Options for loading `files`. */
  loadOptions?: LoadOptions;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port (see `ReplayServer.port`). */
  port?: number;
  /** Default "fast". */
  pace?: Pace;
  /** Longest wait between two events when pacing, default 2000 ms. */
  maxGapMs?: number;
  /** Default "offset". */
  idMode?: IdMode;
  /** End each connection cleanly after this many events, like an edge timeout. */
  closeAfterEvents?: number;
  /** End each connection cleanly after this long (between frames). */
  closeAfterMs?: number;
  /** At the end of the recording: keep the connection open with keepalive comments (default), or end it. */
  onEnd?: "hold" | "close";
  /** Keepalive comment interval while holding, default 15000 ms. */
  keepaliveMs?: number;
  /** Per-connection faults: connection n gets `faults[n]`; an undefined entry means a normal connection. */
  faults?: readonly (Fault | undefined)[];
  /** Split every write into small random chunks (true: 1–7 bytes). */
  chunking?: boolean | ChunkingOptions;
  /** Default "\n", as recorded. */
  lineEnding?: LineEnding;
  /** Repeat each stream forever, with fresh (offset-derived) `meta.id`s. */
  loop?: boolean;
  /** Datacenter prefix of the topics in ids, default "eqiad". */
  datacenter?: string;
  /** Also list this datacenter's topics in ids at offset -1, as production ids do (e.g. "codfw"). */
  standbyDatacenter?: string;
  /** What a Last-Event-ID entry at offset -1 starts at: "beginning" (default) or "latest" (production). */
  minusOneMeans?: MinusOneMeans;
  /** Receives one line per connection; default: silent. */
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly faults: readonly (Fault | undefined)[];
  readonly loop: boolean;
  readonly datacenter: string;
  readonly minusOneMeans: MinusOneMeans;
  readonly settings: StreamSettings;
  readonly log: ((line: string) => void) | undefined;
}

function invalid(message: string): ReplayError {
  return new ReplayError("invalid_option", `startReplayServer: ${message}`);
}

function check(ok: boolean, message: string): void {
  if (!ok) throw invalid(message);
}

const isCount = (value: number | undefined) => value === undefined || (Number.isInteger(value) && value >= 0);
const isDuration = (value: number | undefined) =>
  value === undefined || (Number.isFinite(value) && value >= 0);

function checkFault(fault: Fault | undefined, index: number): void {
  if (fault === undefined) return;
  if (fault.kind === "status") {
    check(
      Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599,
      `faults[${index}].status must be an HTTP status`,
    );
    check(isDuration(fault.retryAfterSeconds), `faults[${index}].retryAfterSeconds must be >= 0`);
    return;
  }
  check(isCount(fault.afterEvents), `faults[${index}].afterEvents must be an integer >= 0`);
  if (fault.kind === "oversized") {
    check(isCount(fault.bytes), `faults[${index}].bytes must be an integer >= 0`);
  }
}

function checkLimits(options: ReplayServerOptions, port: number): void {
  check(Number.isInteger(port) && port >= 0 && port <= 65535, `port must be 0..65535, got ${port}`);
  check(isCount(options.closeAfterEvents), "closeAfterEvents must be an integer >= 0");
  check(isDuration(options.closeAfterMs), "closeAfterMs must be >= 0");
  check(isDuration(options.maxGapMs), "maxGapMs must be >= 0");
  check(options.keepaliveMs === undefined || options.keepaliveMs > 0, "keepaliveMs must be > 0");
}

function resolveChunking(option: ReplayServerOptions["chunking"]): ChunkingOptions | undefined {
  const chunking = option === true ? {} : option === false ? undefined : option;
  if (chunking !== undefined) {
    check(isCount(chunking.minBytes) && chunking.minBytes !== 0, "chunking.minBytes must be an integer >= 1");
    check(isCount(chunking.maxBytes) && chunking.maxBytes !== 0, "chunking.maxBytes must be an integer >= 1");
  }
  return chunking;
}

/** Validates once, up front, so a bad option fails at start and not on the first connection. */
export function resolveOptions(options: ReplayServerOptions): ResolvedOptions {
  const pace = options.pace ?? "fast";
  check(
    pace === "fast" || pace === "original" || (typeof pace === "number" && Number.isFinite(pace) && pace > 0),
    `pace must be "fast", "original" or a positive number, got ${String(pace)}`,
  );
  const port = options.port ?? 0;
  checkLimits(options, port);
  const lineEnding = options.lineEnding ?? "\n";
  check(["\n", "\r\n", "\r"].includes(lineEnding), "lineEnding must be \\n, \\r\\n or \\r");
  const idMode = options.idMode ?? "offset";
  check(
    idMode === "offset" || idMode === "timestamp",
    `idMode must be "offset" or "timestamp", got ${idMode}`,
  );
  const minusOneMeans = options.minusOneMeans ?? "beginning";
  check(
    minusOneMeans === "beginning" || minusOneMeans === "latest",
    `minusOneMeans must be "beginning" or "latest", got ${minusOneMeans}`,
  );
  // A looping recording has no end, so no "latest" to start at.
  check(
    !(minusOneMeans === "latest" && options.loop === true),
    'minusOneMeans "latest" cannot be used with loop',
  );
  const chunking = resolveChunking(options.chunking);
  const faults = options.faults ?? [];
  faults.forEach(checkFault);
  return {
    host: options.host ?? "127.0.0.1",
    port,
    faults,
    loop: options.loop ?? false,
    datacenter: options.datacenter ?? "eqiad",
    minusOneMeans,
    log: options.log,
    settings: {
      pace,
      maxGapMs: options.maxGapMs ?? 2000,
      idMode,
      closeAfterEvents: options.closeAfterEvents,
      closeAfterMs: options.closeAfterMs,
      onEnd: options.onEnd ?? "hold",
      keepaliveMs: options.keepaliveMs ?? 15_000,
      lineEnding,
      chunking,
      standbyDatacenter: options.standbyDatacenter,
    },
  };
}
