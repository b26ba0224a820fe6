import type { Runtime } from "./types.ts";

/** The few logger methods the runner uses (structurally @wikistream/log's Logger). */
export interface RunnerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What an app's service offers the runner; it neither listens nor connects until start(). */
export interface RunnableService {
  start(): Promise<void>;
  /** Drains in-flight work (within the service's own deadline); resolves with the exit code. */
  stop(): Promise<number>;
}

export interface AppParts {
  service: RunnableService;
  fetch: (request: Request) => Response | Promise<Response>;
  /** Closed after the service stopped (e.g. an OpenSearch client). */
  close?: () => Promise<void>;
}

export interface AppSpec<C, L extends RunnerLogger = RunnerLogger> {
  /** "ingest" or "indexer": prefixes the one-line errors on stderr. */
  name: string;
  /** Parses the environment; throws a ConfigError whose message names every bad variable. */
  loadConfig(env: Record<string, string | undefined>): C;
  createLogger(config: C, runtime: Runtime): L;
  http(config: C): { hostname: string; port: number };
  /** Wires the app. `fatal` ends the process gracefully with exit 1 (a consumer that died for good). */
  create(context: { config: C; runtime: Runtime; logger: L; fatal: (reason: string) => void }): AppParts;
  /** One line naming the setting at fault and the fix. */
  explainStartupError(error: unknown, config: C): string;
  /** How long a shutdown may take before the backstop exits 1 (the drain deadline plus a margin). */
  shutdownBackstopMs(config: C): number;
  /** Logged once the service runs. */
  runningFields?(config: C): Record<string, unknown>;
}

/**
 * The one life cycle both apps share: config or exit 1 with the variables named; build; listen;
 * start or exit 1 with one line naming the fix; on SIGTERM/SIGINT (or a fatal error) drain with a
 * deadline, close, and exit with the service's code. A backstop timer exits 1 should a client
 * library hang during the drain; nothing is lost by that, since every app resumes from Kafka.
 */
export async function runApp<C, L extends RunnerLogger>(
  runtime: Runtime,
  spec: AppSpec<C, L>,
): Promise<void> {
  let config: C;
  try {
    config = spec.loadConfig(runtime.env());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return runtime.exit(1);
  }
  const logger = spec.createLogger(config, runtime);
  let server: { port: number; close: () => Promise<void> } | undefined;
  let shuttingDown = false;

  async function shutdown(reason: string, code: number): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info("shutting down: draining in-flight work", { reason });
    const backstopMs = spec.shutdownBackstopMs(config);
    const backstop = setTimeout(() => {
      logger.error("shutdown did not finish in time; exiting (the next start resumes from Kafka)", {
        afterMs: backstopMs,
      });
      runtime.exit(1);
    }, backstopMs);
    try {
      const stopped = await parts.service.stop();
      await server?.close();
      await parts.close?.().catch(() => {});
      clearTimeout(backstop);
      runtime.exit(Math.max(stopped, code));
    } catch (error) {
      logger.error("shutdown failed", { error, reason });
      runtime.exit(1);
    }
  }

  const parts = spec.create({ config, runtime, logger, fatal: (reason) => void shutdown(reason, 1) });
  runtime.onShutdownSignal((signal) => void shutdown(signal, 0));
  try {
    const { hostname, port } = spec.http(config);
    server = await runtime.serve({ fetch: parts.fetch, hostname, port });
    logger.info("http listening", {
      url: `http://${hostname}:${server.port}`,
      routes: ["/healthz", "/readyz", "/metrics", "/status"],
    });
    await parts.service.start();
    if (!shuttingDown) logger.info(`${spec.name} running`, spec.runningFields?.(config) ?? {});
  } catch (error) {
    if (shuttingDown) return;
    const line = spec.explainStartupError(error, config);
    logger.error(`${spec.name} failed to start`, { error, message: line });
    console.error(`${spec.name}: ${line}`);
    shuttingDown = true;
    await parts.service.stop().catch(() => 0);
    await server?.close().catch(() => {});
    await parts.close?.().catch(() => {});
    return runtime.exit(1);
  }
}
