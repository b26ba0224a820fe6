import { ExternalMemoryCollector } from "./external-memory.ts";
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
  /**
   * Bytes of external memory growth after which the runner asks for a major collection (see
   * external-memory.ts); 0 or absent: never. With the setting's name, for the log line when the
   * runtime cannot collect.
   */
  externalMemoryBudget?(config: C): { bytes: number; variable: string };
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
  await new AppRun(runtime, spec, config).start();
}

/** One run of an app with a valid config: built, then started, then shut down once. */
class AppRun<C, L extends RunnerLogger> {
  readonly #runtime: Runtime;
  readonly #spec: AppSpec<C, L>;
  readonly #config: C;
  readonly #logger: L;
  readonly #parts: AppParts;
  readonly #memory: ExternalMemoryCollector | undefined;
  #server: { port: number; close: () => Promise<void> } | undefined;
  #shuttingDown = false;

  constructor(runtime: Runtime, spec: AppSpec<C, L>, config: C) {
    this.#runtime = runtime;
    this.#spec = spec;
    this.#config = config;
    const logger = spec.createLogger(config, runtime);
    this.#logger = logger;
    this.#parts = spec.create({ config, runtime, logger, fatal: (reason) => void this.#shutdown(reason, 1) });
    runtime.onShutdownSignal((signal) => void this.#shutdown(signal, 0));
    this.#memory = this.#memoryCollector();
  }

  #memoryCollector(): ExternalMemoryCollector | undefined {
    const budget = this.#spec.externalMemoryBudget?.(this.#config);
    if (budget === undefined || budget.bytes <= 0) return undefined;
    const { externalMemoryBytes: read, collectGarbage: collect } = this.#runtime;
    if (read === undefined || collect === undefined) {
      this.#logger.info(
        `${budget.variable} has no effect: ${this.#runtime.name} offers the app no garbage collection`,
        {
          fix: `on Node, start ${this.#spec.name} with --expose-gc (apps/${this.#spec.name}/src/runtime-flags.ts); ${budget.variable}=0 silences this`,
        },
      );
      return undefined;
    }
    return new ExternalMemoryCollector({
      budgetBytes: budget.bytes,
      read,
      collect,
      onError: (error) => this.#logger.error("garbage collection failed; no longer asking for it", { error }),
    });
  }

  /** Listens, then starts the service; a start-up failure is explained in one line and exits 1. */
  async start(): Promise<void> {
    const spec = this.#spec;
    const config = this.#config;
    try {
      const { hostname, port } = spec.http(config);
      this.#server = await this.#runtime.serve({ fetch: this.#parts.fetch, hostname, port });
      this.#logger.info("http listening", {
        url: `http://${hostname}:${this.#server.port}`,
        routes: ["/healthz", "/readyz", "/metrics", "/status"],
      });
      this.#memory?.start();
      await this.#parts.service.start();
      if (!this.#shuttingDown) this.#logger.info(`${spec.name} running`, spec.runningFields?.(config) ?? {});
    } catch (error) {
      if (this.#shuttingDown) return;
      await this.#failedStart(error);
    }
  }

  async #failedStart(error: unknown): Promise<void> {
    const { name } = this.#spec;
    const line = this.#spec.explainStartupError(error, this.#config);
    this.#logger.error(`${name} failed to start`, { error, message: line });
    console.error(`${name}: ${line}`);
    this.#shuttingDown = true;
    this.#memory?.stop();
    await this.#parts.service.stop().catch(() => 0);
    await this.#server?.close().catch(() => {});
    await this.#parts.close?.().catch(() => {});
    return this.#runtime.exit(1);
  }

  /** Drains, closes and exits with the worse of the service's code and `code`; once. */
  async #shutdown(reason: string, code: number): Promise<void> {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    const logger = this.#logger;
    logger.info("shutting down: draining in-flight work", { reason });
    const backstopMs = this.#spec.shutdownBackstopMs(this.#config);
    const backstop = setTimeout(() => {
      logger.error("shutdown did not finish in time; exiting (the next start resumes from Kafka)", {
        afterMs: backstopMs,
      });
      this.#runtime.exit(1);
    }, backstopMs);
    try {
      const stopped = await this.#parts.service.stop();
      this.#memory?.stop();
      await this.#server?.close();
      await this.#parts.close?.().catch(() => {});
      clearTimeout(backstop);
      this.#runtime.exit(Math.max(stopped, code));
    } catch (error) {
      logger.error("shutdown failed", { error, reason });
      this.#runtime.exit(1);
    }
  }
}
