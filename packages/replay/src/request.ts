import type { IncomingMessage, ServerResponse } from "node:http";
import { type ConnectionStats, runConnection } from "./connection.ts";
import { startPositions } from "./cursor.ts";
import { errorMessage, ReplayError } from "./errors.ts";
import { parseLastEventId } from "./event-id.ts";
import type { Fault, InjectedFault } from "./faults.ts";
import { faultProblem, type Problem, problemFor, sendProblem } from "./http-errors.ts";
import type { ResolvedOptions } from "./options.ts";
import type { StreamSequence } from "./sequence.ts";
import { parseSince } from "./since.ts";
import { canonicalStreamName } from "./stream-names.ts";

/** What the server counts over all connections. */
export interface MutableStats {
  connections: ConnectionStats[];
  eventsSent: number;
  injected: InjectedFault[];
}

type StatusFault = Extract<Fault, { kind: "status" }>;

const STREAM_PATH = /^\/v2\/stream\/([^/]+)\/?$/;

/**
 * One request: anything but `GET /v2/stream/<streams>` is refused; a stream request is counted as a
 * connection, answered with its queued status fault or refused when its streams or position are
 * invalid, and otherwise streamed until it ends.
 */
export async function handleRequest(
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
  const connection = openConnection(req, url, options, stats);
  const refuse = (send: () => void, status: number) => {
    connection.status = status;
    connection.open = false;
    send();
  };
  const fault = connection.fault;
  if (fault?.kind === "status") {
    connection.endReason = "fault";
    stats.injected.push({ connection: connection.index, fault, afterEvents: 0 });
    return refuse(() => sendStatusFault(req, res, fault), fault.status);
  }
  const start = startingPoint(match[1] ?? "", connection, options, sequences);
  if ("problem" in start) return refuse(() => sendProblem(req, res, start.problem), start.problem.status);
  await runConnection({
    res,
    positions: start.positions,
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

/** Counts a stream request as the next connection, with the fault queued for it, and logs it. */
function openConnection(
  req: IncomingMessage,
  url: URL,
  options: ResolvedOptions,
  stats: MutableStats,
): ConnectionStats {
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
  return connection;
}

function sendStatusFault(req: IncomingMessage, res: ServerResponse, fault: StatusFault): void {
  const headers =
    fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
  if (fault.body === undefined) {
    sendProblem(req, res, faultProblem(fault.status), headers);
    return;
  }
  res.writeHead(fault.status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(fault.body);
}

/** Where each requested stream starts (Last-Event-ID, else `since`, else the live edge), or why not. */
function startingPoint(
  streamList: string,
  connection: ConnectionStats,
  options: ResolvedOptions,
  sequences: ReadonlyMap<string, StreamSequence>,
): { positions: ReturnType<typeof startPositions> } | { problem: Problem } {
  try {
    const requested = decodeURIComponent(streamList).split(",");
    const unknown = requested.filter((name) => !sequences.has(canonicalStreamName(name)));
    if (unknown.length > 0) {
      const detail = `Invalid streams: ${unknown.join(",")}`;
      return { problem: { status: 400, type: "not_found", title: "Stream Not Found", detail } };
    }
    const streams = [...new Set(requested.map(canonicalStreamName))];
    connection.streams = streams;
    const positions = startPositions(
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
    return { positions };
  } catch (error) {
    if (error instanceof URIError) {
      return {
        problem: { status: 400, type: "bad_request", title: "Bad Request", detail: errorMessage(error) },
      };
    }
    if (!(error instanceof ReplayError)) throw error;
    return { problem: problemFor(error) };
  }
}
