import { serve } from "@hono/node-server";
import type { Runtime } from "./types.ts";

/** How long requests being answered at close may finish before their connections are cut. */
const closeGraceMs = 1_000;

/**
 * Stops listening and ends the connections. `server.close()` alone waits for every connection to go:
 * a keep-alive client polling /status (or a scraper) held the process open after a failed start.
 * Idle connections are closed at once, busy ones after a short grace; we are exiting either way.
 */
function closeServer(server: ReturnType<typeof serve>): Promise<void> {
  return new Promise<void>((done) => {
    server.close(() => done());
    if (!("closeAllConnections" in server)) return; // HTTP/2 servers: not what the apps serve
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), closeGraceMs).unref();
  });
}

export const nodeRuntime: Runtime = {
  name: "node",
  env: () => process.env,
  serve: ({ fetch, hostname, port }) =>
    new Promise((resolve, reject) => {
      const server = serve({ fetch, hostname, port }, (info) =>
        resolve({
          port: info.port,
          close: () => closeServer(server),
        }),
      );
      server.once("error", reject);
    }),
  onShutdownSignal: (handler) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => handler(signal));
  },
  exit: (code) => process.exit(code),
  externalMemoryBytes: () => process.memoryUsage().external,
  collectGarbage: exposedGc(),
};

/** V8's gc(), present only with --expose-gc: a major collection, run as a task (not blocking the caller). */
export function exposedGc(): (() => Promise<void>) | undefined {
  const gc = globalThis.gc;
  if (typeof gc !== "function") return undefined;
  return () => gc({ type: "major", execution: "async" });
}
