import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { eventIdFor, type IdMode, nextPosition, type ReadPosition, take } from "./cursor.ts";
import { type Fault, GARBAGE_NOT_JSON, GARBAGE_SCHEMA_VIOLATION, type InjectedFault } from "./faults.ts";
import { commentLine, cutFrame, eventFrame, type LineEnding } from "./frames.ts";
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

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });

/**
 * Streams one connection until the recording ends, a limit or fault ends it, the client leaves or the
 * server closes. Limits end the response only between frames, never inside one.
 */
export async function runConnection(run: ConnectionRun): Promise<void> {
  const { res, positions, settings, stats } = run;
  const eol = settings.lineEnding;
  const gone = new AbortController(); // client left or server closing: stop writing at once
  const wake = new AbortController(); // gone or a deadline: cut short any sleep
  let deadline = false;
  const leave = () => {
    gone.abort();
    wake.abort();
  };
  res.on("close", leave);
  // A reset socket reports an error on the response; the connection is over either way.
  res.on("error", leave);
  run.serverSignal.addEventListener("abort", leave, { once: true });
  const timer =
    settings.closeAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          deadline = true;
          wake.abort();
        }, settings.closeAfterMs);

  let fault = stats.fault?.kind === "status" ? undefined : stats.fault;
  const writer = createWriter(res, gone.signal, settings.chunking);
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
        const outcome = await inject(run, fault, sent, writer, currentId(), gone.signal);
        fault = undefined; // each fault fires once per connection
        if (outcome === "ended") return end("fault");
      }
      if (deadline) return end("close_after_ms");
      if (settings.closeAfterEvents !== undefined && sent >= settings.closeAfterEvents) {
        return end("close_after_events");
      }
      const position = nextPosition(positions);
      if (position === undefined) {
        if (settings.onEnd === "close") return end("end_of_recording");
        // Like a quiet live stream: nothing to send, but the connection stays up.
        while (!deadline) {
          await sleep(settings.keepaliveMs, undefined, { signal: wake.signal }).catch(() => undefined);
          if (gone.signal.aborted) return;
          if (!deadline) await writer.write(commentLine("", eol));
        }
        continue;
      }
      const dt = position.sequence.dtAt(position.next);
      const wait = delayBefore(settings.pace, previousDt, dt ?? 0, settings.maxGapMs);
      if (wait > 0) await sleep(wait, undefined, { signal: wake.signal }).catch(() => undefined);
      if (gone.signal.aborted) return;
      if (deadline) continue;
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
    clearTimeout(timer);
    run.serverSignal.removeEventListener("abort", leave);
    end(run.serverSignal.aborted ? "server_closed" : "client_closed");
    stats.open = false;
    if (!res.destroyed && !res.writableEnded) res.end();
  }
}

/** Performs a fault; "ended" when the connection must not go on. */
async function inject(
  run: ConnectionRun,
  fault: Exclude<Fault, { kind: "status" }>,
  sent: number,
  writer: Writer,
  id: string,
  gone: AbortSignal,
): Promise<"ended" | "continue"> {
  const { res, settings, stats } = run;
  const eol = settings.lineEnding;
  const base = { connection: stats.index, fault, afterEvents: sent };
  switch (fault.kind) {
    case "close":
      run.onInjected(base);
      return "ended";
    case "stall":
      run.onInjected(base);
      await untilAborted(gone);
      return "ended";
    case "garbage": {
      const custom =
        typeof fault.bytes === "string" || fault.bytes === undefined ? fault.bytes : Buffer.from(fault.bytes);
      await writer.write(custom ?? eventFrame(id, GARBAGE_NOT_JSON, eol));
      await writer.write(eventFrame(id, GARBAGE_SCHEMA_VIOLATION, eol));
      const first = custom === undefined ? GARBAGE_NOT_JSON : custom.toString();
      run.onInjected({ ...base, payloads: [first, GARBAGE_SCHEMA_VIOLATION] });
      return "continue";
    }
    case "oversized": {
      await writer.write(`event: message${eol}id: ${id}${eol}data: `);
      // One reused block: the server itself stays small however long the line.
      const block = Buffer.alloc(64 * 1024, "x");
      for (let left = fault.bytes; left > 0; left -= block.length) {
        await writer.write(left >= block.length ? block : block.subarray(0, left));
      }
      await writer.write(eol + eol);
      run.onInjected({ ...base, dataBytes: fault.bytes });
      return "continue";
    }
    case "dropMidFrame": {
      const position = nextPosition(run.positions);
      const next = position?.sequence.at(position.next);
      // Nothing left to cut: drop the connection between frames instead.
      const frame = next === undefined ? undefined : Buffer.from(eventFrame(id, next.data, eol), "utf8");
      const cut = frame === undefined ? { head: Buffer.alloc(0), insideCharacter: false } : cutFrame(frame);
      if (cut.head.length > 0) {
        // Wait until the half frame is handed to the kernel, so the client really receives it.
        await new Promise<void>((resolve) => res.write(cut.head, () => resolve()));
      }
      run.onInjected({ ...base, bytesSent: cut.head.length, insideCharacter: cut.insideCharacter });
      res.socket?.destroy();
      res.destroy();
      return "ended";
    }
  }
}
