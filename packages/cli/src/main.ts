import { errorMessage, WikistreamError } from "@wikistream/resilience";
import { UsageError } from "./errors.ts";
import type { Io } from "./io.ts";

type Command = (argv: readonly string[], io: Io) => Promise<number>;

export const USAGE = `usage: wikistream <command> [options]   (wikistream <command> --help for its options)

  replay    serve recorded EventStreams over SSE (@wikistream/replay)
  dlq       list, show and re-drive dead letters of ingest and the indexer
  verify    reconcile a topic range against the index; exit 1 on a mismatch
  indices   list the monthly indices, prune by age, install the ISM retention policy`;

/** Loaded on use: `indices` needs no Kafka client, and `--help` needs neither. */
export const commands: Record<string, () => Promise<Command>> = {
  dlq: async () => (await import("./dlq/command.ts")).runDlq,
  verify: async () => (await import("./verify/command.ts")).runVerify,
  indices: async () => (await import("./indices/command.ts")).runIndices,
};

/** Runs one command and says how it ended: 0 done, 1 failed or mismatch, 2 usage. Never exits itself. */
export async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (load === undefined) throw new UsageError(`unknown command "${name}"`);
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(
        `wikistream ${name}: ${error.message}\n(wikistream ${load ? `${name} ` : ""}--help lists the options)`,
      );
      return 2;
    }
    const code = error instanceof WikistreamError ? ` [${error.code}]` : "";
    io.err(`wikistream ${name}${code}: ${errorMessage(error)}`);
    return 1;
  }
}
