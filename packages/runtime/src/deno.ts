import type { Runtime } from "./types.ts";

// Typed locally so the shared tsconfig needs no Deno type package.
declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    options: {
      hostname: string;
      port: number;
      onListen?: (addr: { port: number }) => void;
      signal?: AbortSignal;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  addSignalListener(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code: number): never;
};

export const denoRuntime: Runtime = {
  name: "deno",
  env: () => Deno.env.toObject(),
  serve: ({ fetch, hostname, port }) =>
    new Promise((resolve, reject) => {
      try {
        const server = Deno.serve(
          {
            hostname,
            port,
            onListen: (addr) => resolve({ port: addr.port, close: () => server.shutdown() }),
          },
          fetch,
        );
      } catch (error) {
        reject(error);
      }
    }),
  onShutdownSignal: (handler) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const)
      Deno.addSignalListener(signal, () => handler(signal));
  },
  exit: (code) => Deno.exit(code),
};
