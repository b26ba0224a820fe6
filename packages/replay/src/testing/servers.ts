import { afterEach } from "vitest";
import type { ReplayServerOptions } from "../options.ts";
import type { RecordedEvent } from "../recorded-event.ts";
import { loadRecording } from "../recording.ts";
import { type ReplayServer, startReplayServer } from "../server.ts";
import { recordingPath } from "../shared-data.ts";

/** Starts replay servers for one test file and closes every one after each test. */
export function useServers(): (options: ReplayServerOptions) => Promise<ReplayServer> {
  const open: ReplayServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (options) => {
    const server = await startReplayServer(options);
    open.push(server);
    return server;
  };
}

export const recentchange2022 = (): Promise<RecordedEvent[]> =>
  loadRecording(recordingPath("recentchange-raw-2022-12.sse"));
export const pageChange2026 = (): Promise<RecordedEvent[]> =>
  loadRecording(recordingPath("page-change-raw-2026-09-part1.sse"));
export const enwiki2023 = (): Promise<RecordedEvent[]> =>
  loadRecording(recordingPath("recentchange-enwiki-2023-07.ndjson"));

/** The parsed SSE id of a received event. */
export function idOf(event: { readonly id: string | undefined }): Array<Record<string, unknown>> {
  return JSON.parse(event.id ?? "null") as Array<Record<string, unknown>>;
}
