/**
 * The runner's command line:
 *
 *   node bench/run.ts [--quick] [--only ingest,catchup,freshness,backpressure] [--host <short-desc>]
 *                     [--note "<machine description>"] [--no-write] [--debug]
 *                     [--ingest-node-options "<V8 flags for the ingest child of parts a and d>"]
 *                     [--no-compile-cache]
 */
import os from "node:os";

export const partNames = ["ingest", "catchup", "freshness", "backpressure"] as const;

export interface Sizes {
  /** Copies of the ~187 real events: the mixed backlog of parts a and b. */
  copies: number;
  /** Copies of the 2,673-event one-month capture: the one-month backlog of parts a and b. */
  monthCopies: number;
  catchUpRounds: number;
  freshnessCopies: number;
  freshnessRate: number;
  heldCopies: number;
  heldBuffers: number[];
  holdMs: number;
  cutAfter: number;
}

export interface BenchOptions {
  argv: readonly string[];
  quick: boolean;
  parts: ReadonlySet<string>;
  host: string;
  note: string | undefined;
  write: boolean;
  debug: boolean;
  /** NODE_OPTIONS for the ingest child alone (e.g. --max-semi-space-size=2); not for the baselines. */
  ingestNodeOptions: string | undefined;
  /** Node's compile cache for every child, filled before the first part (scripts/compile-cache.ts). */
  compileCache: boolean;
  cores: number;
  sizes: Sizes;
}

/** Sizes: the default run takes 6–14 minutes on 2 shared cores (by their load); --quick about 75 s. */
const quickSizes: Sizes = {
  copies: 10,
  monthCopies: 1,
  catchUpRounds: 1,
  freshnessCopies: 8,
  freshnessRate: 200,
  heldCopies: 40,
  heldBuffers: [500, 2000],
  holdMs: 3000,
  cutAfter: 1000,
};

const defaultSizes: Sizes = {
  copies: 200,
  monthCopies: 14,
  catchUpRounds: 2,
  freshnessCopies: 32,
  freshnessRate: 200,
  heldCopies: 320,
  heldBuffers: [1000, 10_000, 50_000],
  holdMs: 10_000,
  cutAfter: 2000,
};

export function parseOptions(argv: readonly string[]): BenchOptions {
  const flag = (name: string) => argv.includes(name);
  const option = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const quick = flag("--quick");
  const cores = os.availableParallelism();
  return {
    argv,
    quick,
    parts: new Set((option("--only") ?? partNames.join(",")).split(",").map((p) => p.trim())),
    host: option("--host") ?? `${os.platform()}-${cores}core`,
    note: option("--note"),
    write: !flag("--no-write"),
    debug: flag("--debug"),
    ingestNodeOptions: option("--ingest-node-options"),
    compileCache: !flag("--no-compile-cache"),
    cores,
    sizes: quick ? quickSizes : defaultSizes,
  };
}
