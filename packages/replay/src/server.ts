import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConnectionStats } from "./connection.ts";
import { errorMessage } from "./errors.ts";
import type { InjectedFault } from "./faults.ts";
import { type ReplayServerOptions, type ResolvedOptions, resolveOptions } from "./options.ts";
import type { RecordedEvent } from "./recorded-event.ts";
import { loadRecording } from "./recording.ts";
import { handleRequest, type MutableStats } from "./request.ts";
import { createSequence, groupByStream, type StreamSequence } from "./sequence.ts";
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

/** A local stand-in for stream.wikimedia.org that replays recordings, with faults on demand. */
export async function startReplayServer(options: ReplayServerOptions = {}): Promise<ReplayServer> {
  const resolved = resolveOptions(options);
  const sequences = await loadSequences(options, resolved);
  const stats: MutableStats = { connections: [], eventsSent: 0, injected: [] };
  const closing = new AbortController();
  const server = createServer((req, res) => {
    handleRequest(req, res, resolved, sequences, stats, closing.signal).catch((error: unknown) => {
      resolved.log?.(`replay: connection failed: ${errorMessage(error)}`);
      res.destroy();
    });
  });
  await listen(server, resolved);
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

/** One sequence per stream of the events and recordings, and an empty one for every other stream. */
async function loadSequences(
  options: ReplayServerOptions,
  resolved: ResolvedOptions,
): Promise<Map<string, StreamSequence>> {
  const events = [...(options.events ?? [])];
  for (const file of options.files ?? []) events.push(...(await loadRecording(file, options.loadOptions)));
  const sequences = new Map<string, StreamSequence>();
  for (const [stream, group] of groupByStream(events))
    sequences.set(stream, createSequence(stream, group, resolved.loop));
  for (const stream of EVENTSTREAMS_STREAMS) {
    if (!sequences.has(stream)) sequences.set(stream, createSequence(stream, [], resolved.loop));
  }
  return sequences;
}

function listen(server: Server, resolved: ResolvedOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
