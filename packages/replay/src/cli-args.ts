import { parseArgs } from "node:util";
import type { ReplayServerOptions } from "./options.ts";

export const USAGE = `Usage: wikistream replay <file...> [options]

Serve recorded Wikimedia EventStreams (.sse captures or .ndjson) like stream.wikimedia.org.

Options:
  --port <n>                 port to listen on (default 8090; 0 = any free port)
  --host <addr>              address to bind (default 127.0.0.1)
  --pace <p>                 fast | original | <speed multiplier> (default fast)
  --max-gap-ms <n>           longest pause between events when pacing (default 2000)
  --close-after-events <n>   end each connection after n events (clients must resume)
  --close-after-ms <n>       end each connection after n ms
  --id-mode <m>              offset (exact resume) | timestamp (like production) (default offset)
  --on-end <e>               hold (keepalive comments) | close, at the end of the recording (default hold)
  --loop                     repeat the recording forever with fresh meta.ids
  -h, --help                 show this help

Example: wikistream replay ../shared/data/wikimedia/recentchange-enwiki-2023-07.ndjson --pace original`;

export type CliCommand =
  | { readonly command: "help" }
  | { readonly command: "replay"; readonly files: readonly string[]; readonly options: ReplayServerOptions };

/** A command-line mistake: the message is one line for the user, shown with the usage. */
export class CliUsageError extends Error {
  readonly code = "cli_usage";
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new CliUsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

function pace(value: string | undefined): ReplayServerOptions["pace"] {
  if (value === undefined || value === "fast" || value === "original") return value;
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new CliUsageError(`--pace must be fast, original or a positive multiplier, got "${value}"`);
  }
  return speed;
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliUsageError(`--${name} must be one of ${allowed.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** Parses `argv` (without node and script). Throws CliUsageError on any mistake. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: "help" };
  const [command, ...files] = positionals;
  if (command === undefined) throw new CliUsageError("missing command");
  if (command !== "replay") throw new CliUsageError(`unknown command "${command}"`);
  if (files.length === 0) throw new CliUsageError("replay needs at least one recording file");
  const options: ReplayServerOptions = {
    port: integer("port", values.port) ?? 8090,
    host: values.host ?? "127.0.0.1",
    pace: pace(values.pace) ?? "fast",
    loop: values.loop === true,
  };
  const maxGapMs = integer("max-gap-ms", values["max-gap-ms"]);
  const closeAfterEvents = integer("close-after-events", values["close-after-events"]);
  const closeAfterMs = integer("close-after-ms", values["close-after-ms"]);
  const idMode = oneOf("id-mode", values["id-mode"], ["offset", "timestamp"] as const);
  const onEnd = oneOf("on-end", values["on-end"], ["hold", "close"] as const);
  return {
    command: "replay",
    files,
    options: {
      ...options,
      ...(maxGapMs === undefined ? {} : { maxGapMs }),
      ...(closeAfterEvents === undefined ? {} : { closeAfterEvents }),
      ...(closeAfterMs === undefined ? {} : { closeAfterMs }),
      ...(idMode === undefined ? {} : { idMode }),
      ...(onEnd === undefined ? {} : { onEnd }),
    },
  };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      pace: { type: "string" },
      "max-gap-ms": { type: "string" },
      "close-after-events": { type: "string" },
      "close-after-ms": { type: "string" },
      "id-mode": { type: "string" },
      "on-end": { type: "string" },
      loop: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
