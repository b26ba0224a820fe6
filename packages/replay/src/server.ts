import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ConnectionStats, runConnection } from "./connection.ts";
import { startPositions } from "./cursor.ts";
import { errorMessage, ReplayError } from "./errors.ts";
import { parseLastEventId } from "./event-id.ts";
import type { InjectedFault } from "./faults.ts";
import { faultProblem, problemFor, sendProblem } from "./http-errors.ts";
import { type ReplayServerOptions, type ResolvedOptions, resolveOptions } from "./options.ts";
import type { RecordedEvent } from "./recorded-event.ts";
import { loadRecording } from "./recording.ts";
import { createSequence, groupByStream, type StreamSequence } from "./sequence.ts";
import { parseSince } from "./since.ts";
import { canonicalStreamName, EVENTSTREAMS_STREAMS } from "./stream-names.ts";

export interface ReplayStats {
  /** Every stream request so far, in arrival order (index = fault queue position). */
  readonly connections: readonly ConnectionStats[];
  /** Events sent over all connections. */
  readonly eventsSent: number;
  readonly injected: readonly InjectedFault[];
}

export interface ReplayServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /** `<url>/v2/stream/<streams joined by ",">`, with `?since=` when given. */
  streamUrl(streams: readonly string[], query?: { readonly since?: string | number }): string;
  /** Stream requests received so far (refused ones included). */
  readonly connections: number;
  readonly stats: ReplayStats;
  /** Streams that have events, canonical names. */
  readonly streams: readonly string[];
  /** The events of one stream in offset order (one pass, without loop copies); [] if none. */
  events(stream: string): readonly RecordedEvent[];
  /** Destroys open connections and resolves once the server is closed. */
  close(): Promise<void>;
}

interface MutableStats {
  connections: ConnectionStats[];
  eventsSent: number;
  injected: InjectedFault[];
}

const STREAM_PATH = /^\/v2\/stream\/([^/]+)\/?$/;

/** A local stand-in for stream.wikimedia.org that replays recordings, with faults on demand. */
export async function startReplayServer(options: ReplayServerOptions = {}): Promise<ReplayServer> {
  const resolved = resolveOptions(options);
  const events = [...(options.events ?? [])];
  for (const file of options.files ?? []) events.push(...(await loadRecording(file, options.loadOptions)));
  const sequences = new Map<string, StreamSequence>();
  for (const [stream, group] of groupByStream(events))
    sequences.set(stream, createSequence(stream, group, resolved.loop));
  for (const stream of EVENTSTREAMS_STREAMS) {
    if (!sequences.has(stream)) sequences.set(stream, createSequence(stream, [], resolved.loop));
  }

  const stats: MutableStats = { connections: [], eventsSent: 0, injected: [] };
  const closing = new AbortController();
  const server = createServer((req, res) => {
    handle(req, res, resolved, sequences, stats, closing.signal).catch((error: unknown) => {
      resolved.log?.(`replay: connection failed: ${errorMessage(error)}`);
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    port,
    streamUrl(streams, query = {}) {
      const path = `${url}/v2/stream/${streams.map(encodeURIComponent).join(",")}`;
      return query.since === undefined ? path : `${path}?since=${encodeURIComponent(String(query.since))}`;
    },
    get connections() {
      return stats.connections.length;
    },
    stats,
    streams: [...sequences.values()].filter((s) => s.events.length > 0).map((s) => s.stream),
    events(stream) {
      return sequences.get(canonicalStreamName(stream))?.events ?? [];
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: ResolvedOptions,
  sequences: ReadonlyMap<string, StreamSequence>,
  stats: MutableStats,
  closing: AbortSignal,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://replay.invalid");
  const match = STREAM_PATH.exec(url.pathname);
  if (match === null || req.method !== "GET") {
    const status = match === null ? 404 : 405;
    const title = match === null ? "Not Found" : "Method Not Allowed";
    return sendProblem(req, res, {
      status,
      type: "not_found",
      title,
      detail: `${req.method} ${url.pathname}`,
    });
  }
  const header = req.headers["last-event-id"];
  const connection: ConnectionStats = {
    index: stats.connections.length,
    url: req.url ?? "",
    streams: [],
    lastEventId: Array.isArray(header) ? header.join(",") : header,
    since: url.searchParams.get("since") ?? undefined,
    status: 200,
    eventsSent: 0,
    fault: options.faults[stats.connections.length],
    open: true,
    endReason: undefined,
  };
  stats.connections.push(connection);
  options.log?.(
    `#${connection.index} GET ${connection.url} Last-Event-ID: ${connection.lastEventId ?? "(none)"}` +
      (connection.fault === undefined ? "" : ` fault: ${JSON.stringify(connection.fault)}`),
  );
  const refuse = (send: () => void, status: number) => {
    connection.status = status;
    connection.open = false;
    send();
  };

  const fault = connection.fault;
  if (fault?.kind === "status") {
    connection.endReason = "fault";
    stats.injected.push({ connection: connection.index, fault, afterEvents: 0 });
    const headers =
      fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
    return refuse(() => {
      if (fault.body === undefined) return sendProblem(req, res, faultProblem(fault.status), headers);
      res.writeHead(fault.status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(fault.body);
    }, fault.status);
  }

  let positions: ReturnType<typeof startPositions>;
  try {
    const requested = decodeURIComponent(match[1] ?? "").split(",");
    const unknown = requested.filter((name) => !sequences.has(canonicalStreamName(name)));
    if (unknown.length > 0) {
      const detail = `Invalid streams: ${unknown.join(",")}`;
      return refuse(
        () => sendProblem(req, res, { status: 400, type: "not_found", title: "Stream Not Found", detail }),
        400,
      );
    }
    const streams = [...new Set(requested.map(canonicalStreamName))];
    connection.streams = streams;
    positions = startPositions(
      streams.map((stream) => sequences.get(stream) as StreamSequence),
      {
        assignments: parseLastEventId(connection.lastEventId ?? ""),
        since: parseSince(connection.since),
        datacenter: options.datacenter,
        minusOneMeans: options.minusOneMeans,
        datacenters: [
          ...new Set([options.datacenter, options.settings.standbyDatacenter ?? "codfw", "eqiad", "codfw"]),
        ],
      },
    );
  } catch (error) {
    if (error instanceof URIError) {
      const problem = { status: 400, type: "bad_request", title: "Bad Request", detail: errorMessage(error) };
      return refuse(() => sendProblem(req, res, problem), 400);
    }
    if (!(error instanceof ReplayError)) throw error;
    return refuse(() => sendProblem(req, res, problemFor(error)), 400);
  }

  await runConnection({
    res,
    positions,
    settings: options.settings,
    stats: connection,
    serverSignal: closing,
    onEventSent: () => {
      stats.eventsSent += 1;
    },
    onInjected: (injected) => {
      stats.injected.push(injected);
    },
  });
  options.log?.(`#${connection.index} ended (${connection.endReason}) after ${connection.eventsSent} events`);
}
