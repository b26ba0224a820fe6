import { describe, expect, it, vi } from "vitest";
import { type AppSpec, runApp } from "./run-app.ts";
import type { Runtime } from "./types.ts";

/** A runtime whose exit() records the first code instead of exiting; serve() listens nowhere. */
function fakeRuntime() {
  const handlers: ((signal: string) => void)[] = [];
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const runtime: Runtime = {
    name: "node",
    env: () => ({ PORT: "0" }),
    serve: async () => ({ port: 1234, close: async () => {} }),
    onShutdownSignal: (handler) => handlers.push(handler),
    exit: (code) => {
      exited(code);
      return undefined as never;
    },
  };
  return {
    runtime,
    exitCode,
    signal: (name: string) => {
      for (const handler of handlers) handler(name);
    },
  };
}

function spec(overrides: Partial<AppSpec<{ port: number }>> = {}): AppSpec<{ port: number }> {
  const logger = { info: vi.fn(), error: vi.fn() };
  return {
    name: "test",
    loadConfig: (env) => ({ port: Number(env.PORT) }),
    createLogger: () => logger,
    http: ({ port }) => ({ hostname: "127.0.0.1", port }),
    create: () => ({
      fetch: () => new Response("ok"),
      service: { start: async () => {}, stop: async () => 0 },
    }),
    explainStartupError: (error) => `explained: ${(error as Error).message}`,
    shutdownBackstopMs: () => 5_000,
    ...overrides,
  };
}

const settle = (promise: Promise<unknown>) => promise.catch((e: unknown) => e);

describe("runApp", () => {
  it("exits 1 with the config error's message when the configuration is invalid", async () => {
    const { runtime, exitCode } = fakeRuntime();
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    await settle(
      runApp(
        runtime,
        spec({
          loadConfig: () => {
            throw new Error("test: invalid configuration: PORT");
          },
        }),
      ),
    );
    expect(await exitCode).toBe(1);
    expect(printed).toHaveBeenCalledWith("test: invalid configuration: PORT");
    printed.mockRestore();
  });

  it("exits 1 with one explained line when start fails, after stopping the service", async () => {
    const { runtime, exitCode } = fakeRuntime();
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    const stop = vi.fn(async () => 0);
    await settle(
      runApp(
        runtime,
        spec({
          create: () => ({
            fetch: () => new Response("ok"),
            service: {
              start: async () => {
                throw new Error("no leader");
              },
              stop,
            },
          }),
        }),
      ),
    );
    expect(await exitCode).toBe(1);
    expect(printed).toHaveBeenCalledWith("test: explained: no leader");
    expect(stop).toHaveBeenCalledOnce();
    printed.mockRestore();
  });

  it("drains on a signal and exits with the service's code", async () => {
    const { runtime, exitCode, signal } = fakeRuntime();
    const closed = vi.fn(async () => {});
    await runApp(
      runtime,
      spec({
        create: () => ({
          fetch: () => new Response("ok"),
          service: { start: async () => {}, stop: async () => 1 },
          close: closed,
        }),
      }),
    );
    signal("SIGTERM");
    expect(await exitCode).toBe(1);
    expect(closed).toHaveBeenCalledOnce();
  });

  it("a fatal error drains and exits 1 even when the service stops cleanly", async () => {
    const { runtime, exitCode } = fakeRuntime();
    let fatal: (reason: string) => void = () => {};
    await runApp(
      runtime,
      spec({
        create: (context) => {
          fatal = context.fatal;
          return { fetch: () => new Response("ok"), service: { start: async () => {}, stop: async () => 0 } };
        },
      }),
    );
    fatal("consumer died");
    expect(await exitCode).toBe(1);
  });
});
