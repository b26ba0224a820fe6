/**
 * What a run holds while it runs: the OpenSearch client, the processes it started and everything it
 * created, so that all of it is stopped and deleted at the end, after a failure and on Ctrl-C too.
 */
import type { Client } from "@opensearch-project/opensearch";
import { type AppProcess, spawnApp } from "./lib/apps.ts";
import { cleanup } from "./lib/cleanup.ts";
import type { IndexerNames, RunTopics } from "./lib/names.ts";
import { benchOpenSearch } from "./lib/stack.ts";
import type { BenchOptions } from "./options.ts";
import { Report } from "./report.ts";

/** A run's topics and the indexers (groups, index prefixes) that read them: deleted together. */
export interface Tracked {
  readonly topics: RunTopics;
  readonly indexers: IndexerNames[];
}

export class BenchContext {
  readonly options: BenchOptions;
  readonly opensearch: Client = benchOpenSearch();
  readonly report = new Report();
  readonly #created: Tracked[] = [];
  readonly #running = new Set<AppProcess>();

  constructor(options: BenchOptions) {
    this.options = options;
  }

  /** Remembers `topics` (and, through the returned entry, its indexers) for deletion at the end. */
  track(topics: RunTopics): Tracked {
    const entry: Tracked = { topics, indexers: [] };
    this.#created.push(entry);
    return entry;
  }

  async start(
    app: "ingest" | "indexer",
    runtime: "node" | "bun",
    env: Record<string, string>,
  ): Promise<AppProcess> {
    const proc = await spawnApp(app, runtime, env);
    this.#running.add(proc);
    void proc.exited.then(() => this.#running.delete(proc));
    return proc;
  }

  /** Stops an app; a non-zero exit is printed with the app's last output (the run goes on). */
  async stop(proc: AppProcess): Promise<void> {
    const code = await proc.terminate();
    this.#running.delete(proc);
    if (code !== 0) console.error(`${proc.name} exited with ${code}:\n${proc.output().slice(-2000)}`);
  }

  /** Stops every process still running and deletes everything tracked; problems are printed. */
  async cleanupAll(): Promise<void> {
    for (const app of this.#running) {
      await app.terminate(10_000).catch((error: unknown) => console.error(`stopping ${app.name}: ${error}`));
    }
    this.#running.clear();
    for (const entry of this.#created.splice(0)) {
      const problems = await cleanup(this.opensearch, entry.topics, entry.indexers);
      for (const p of problems) console.error(`cleanup ${entry.topics.topicPrefix}: ${p}`);
    }
  }

  /** Ctrl-C: clean up, then exit 130; a second Ctrl-C exits at once. */
  cleanupOnInterrupt(): void {
    let interrupted = false;
    process.on("SIGINT", () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      console.error("\ninterrupted: stopping processes and deleting what this run created …");
      void this.cleanupAll().finally(() => process.exit(130));
    });
  }
}
