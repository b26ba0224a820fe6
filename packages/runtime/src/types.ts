/**
 * What an app's main.ts needs from the runtime it runs on. Everything else in wikistream uses Web
 * APIs only, so this interface is the whole difference between Node, Deno and Bun.
 */
export interface Runtime {
  name: "node" | "deno" | "bun";
  env: () => Record<string, string | undefined>;
  serve: (options: {
    fetch: (request: Request) => Response | Promise<Response>;
    hostname: string;
    port: number;
  }) => Promise<{ port: number; close: () => Promise<void> }>;
  onShutdownSignal: (handler: (signal: string) => void) => void;
  exit: (code: number) => never;
  /** Bytes allocated outside the JavaScript heap now (Buffers, ArrayBuffers): process.memoryUsage().external. */
  externalMemoryBytes?: () => number;
  /**
   * A major garbage collection, where the runtime offers one to the app: Node and Deno only when
   * started with --expose-gc (apps/<app>/src/runtime-flags.ts), Bun always (Bun.gc).
   */
  collectGarbage?: () => Promise<void>;
}
