/** What main.ts needs from a runtime; Node and Bun each implement it in one small file. */
export interface Runtime {
  name: "node" | "bun";
  env: () => Record<string, string | undefined>;
  serve: (options: {
    fetch: (request: Request) => Response | Promise<Response>;
    hostname: string;
    port: number;
  }) => Promise<{ port: number; close: () => Promise<void> }>;
  onShutdownSignal: (handler: (signal: string) => void) => void;
  exit: (code: number) => never;
}
