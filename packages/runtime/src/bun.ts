import type { Runtime } from "./types.ts";

// Typed locally so the shared tsconfig needs no Bun type package.
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request) => Response | Promise<Response>;
  }): { port: number; stop(closeActiveConnections?: boolean): Promise<void> | void };
  env: Record<string, string | undefined>;
  gc(force: boolean): void;
};

export const bunRuntime: Runtime = {
  name: "bun",
  env: () => Bun.env,
  serve: async ({ fetch, hostname, port }) => {
    const server = Bun.serve({ hostname, port, fetch });
    return { port: server.port, close: async () => void (await server.stop(true)) };
  },
  // Bun implements Node's process signal events.
  onShutdownSignal: (handler) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => handler(signal));
  },
  exit: (code) => process.exit(code),
  externalMemoryBytes: () => process.memoryUsage().external,
  // Synchronous: JavaScriptCore's asynchronous hint freed too little to bound the peak (measured).
  collectGarbage: async () => Bun.gc(true),
};
