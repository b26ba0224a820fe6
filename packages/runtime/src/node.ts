import { serve } from "@hono/node-server";
import type { Runtime } from "./types.ts";
import { quietKnownWarnings } from "./warnings.ts";

export const nodeRuntime: Runtime = {
  name: "node",
  env: () => process.env,
  serve: ({ fetch, hostname, port }) =>
    new Promise((resolve, reject) => {
      quietKnownWarnings(process);
      const server = serve({ fetch, hostname, port }, (info) =>
        resolve({
          port: info.port,
          close: () => new Promise<void>((done) => server.close(() => done())),
        }),
      );
      server.once("error", reject);
    }),
  onShutdownSignal: (handler) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => handler(signal));
  },
  exit: (code) => process.exit(code),
};
