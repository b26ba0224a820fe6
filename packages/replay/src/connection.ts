import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { eventIdFor, type IdMode, nextPosition, type ReadPosition, take } from "./cursor.ts";
import { inject } from "./fault-injection.ts";
import type { Fault, InjectedFault } from "./faults.ts";
import { commentLine, eventFrame, type LineEnding } from "./frames.ts";
import { delayBefore, type Pace } from "./pacing.ts";
import { type ChunkingOptions, createWriter, type Writer } from "./writer.ts";

export type EndReason =
  | "end_of_recording"
  | "close_after_events"
  | "close_after_ms"
  | "fault"
  | "client_closed"
  | "server_closed";

/** What one stream request did; `stats.connections[n]` of the server. */
export interface ConnectionStats {
  readonly index: number;
  /** Request path and query as received. */
  readonly url: string;
  /** Canonical names of the requested streams (empty when the request was refused before parsing). */
  streams: readonly string[];
  /** The Last-Event-ID header as received. */
  readonly lastEventId: string | undefined;
  readonly since: string | undefined;
  status: number;
  eventsSent: number;
  readonly fault: Fault | undefined;
  open: boolean;
  endReason: EndReason | undefined;
}

export interface StreamSettings {
  readonly pace: Pace;
  readonly maxGapMs: number;
  readonly idMode: IdMode;
  readonly closeAfterEvents: number | undefined;
  readonly closeAfterMs: number | undefined;
  readonly onEnd: "hold" | "close";
  readonly keepaliveMs: number;
  readonly lineEnding: LineEnding;
  readonly chunking: ChunkingOptions | undefined;
  readonly standbyDatacenter: string | undefined;
}

export interface ConnectionRun {
  readonly res: ServerResponse;
  readonly positions: readonly ReadPosition[];
  readonly settings: StreamSettings;
  readonly stats: ConnectionStats;
  /** Aborted when the server closes. */
  readonly serverSignal: AbortSignal;
  readonly onEventSent: () => void;
  readonly onInjected: (injected: InjectedFault) => void;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

/** When a connection stops: `gone` at once, `deadline` between frames (closeAfterMs). */
interface ConnectionWatch {
  /** The client left or the server is closing: stop writing at once. */
  readonly gone: AbortSignal;
  /** Gone or the deadline passed: cut any sleep short. */
  readonly wake: AbortSignal;
  readonly deadline: boolean;
  dispose(): void;
}

function watchConnection(run: ConnectionRun): ConnectionWatch {
  const gone = new AbortController();
  const wake = new AbortController();
  let deadline = false;
  const leave = () => {
    gone.abort();
    wake.abort();
  };
  run.res.on("close", leave);
  // A reset socket reports an error on the response; the connection is over either way.
  run.res.on("error", leave);
  run.serverSignal.addEventListener("abort", leave, { once: true });
  const closeAfterMs = run.settings.closeAfterMs;
  const timer =
    closeAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          deadline = true;
          wake.abort();
        }, closeAfterMs);
  return {
    gone: gone.signal,
    wake: wake.signal,
    get deadline() {
      return deadline;
    },
    dispose() {
      clearTimeout(timer);
      run.serverSignal.removeEventListener("abort", leave);
    },
  };
}

/**
 * Streams one connection until the recording ends, a limit or fault ends it, the client leaves or the
 * server closes. Limits end the response only between frames, never inside one. One loop on purpose
 * (a few lines over a screen): what was sent, the previous event's time and the pending fault are its
 * state; watching, idling and the faults themselves live in the functions around it.
 */
export async function runConnection(run: ConnectionRun): Promise<void> {
  const { res, positions, settings, stats } = run;
  const eol = settings.lineEnding;
  const watch = watchConnection(run);
  let fault = stats.fault?.kind === "status" ? undefined : stats.fault;
  const writer = createWriter(res, watch.gone, settings.chunking);
  const currentId = () => eventIdFor(positions, settings.idMode, settings.standbyDatacenter);
  let sent = 0;
  const end = (reason: EndReason) => {
    stats.endReason ??= reason;
  };

  try {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    });
    await writer.write(commentLine("ok", eol) + eol);
    let previousDt: number | undefined;
    for (;;) {
      if (fault !== undefined && fault.afterEvents === sent) {
        const outcome = await inject(run, fault, sent, writer, currentId(), watch.gone);
        fault = undefined; // each fault fires once per connection
        if (outcome === "ended") return end("fault");
      }
      if (watch.deadline) return end("close_after_ms");
      if (settings.closeAfterEvents !== undefined && sent >= settings.closeAfterEvents) {
        return end("close_after_events");
      }
      const position = nextPosition(positions);
      if (position === undefined) {
        if (settings.onEnd === "close") return end("end_of_recording");
        if (!(await holdOpen(watch, writer, settings))) return;
        continue;
      }
      const dt = position.sequence.dtAt(position.next);
      const wait = delayBefore(settings.pace, previousDt, dt ?? 0, settings.maxGapMs);
      if (wait > 0) await sleep(wait, undefined, { signal: watch.wake }).catch(() => undefined);
      if (watch.gone.aborted) return;
      if (watch.deadline) continue;
      const event = take(position);
      if (event === undefined) continue;
      previousDt = event.dt;
      await writer.write(eventFrame(currentId(), event.data, eol));
      sent += 1;
      stats.eventsSent = sent;
      run.onEventSent();
    }
  } catch (error) {
    if (!isAbort(error)) throw error;
  } finally {
    watch.dispose();
    end(run.serverSignal.aborted ? "server_closed" : "client_closed");
    stats.open = false;
    if (!res.destroyed && !res.writableEnded) res.end();
  }
}

/**
 * Like a quiet live stream: nothing to send, but the connection stays up, a comment every keepaliveMs,
 * until the deadline. False when the client left meanwhile.
 */
async function holdOpen(watch: ConnectionWatch, writer: Writer, settings: StreamSettings): Promise<boolean> {
  while (!watch.deadline) {
    await sleep(settings.keepaliveMs, undefined, { signal: watch.wake }).catch(() => undefined);
    if (watch.gone.aborted) return false;
    if (!watch.deadline) await writer.write(commentLine("", settings.lineEnding));
  }
  return true;
}
