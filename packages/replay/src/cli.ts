#!/usr/bin/env node
import { access } from "node:fs/promises";
import { CliUsageError, parseCliArgs, USAGE } from "./cli-args.ts";
import { errorMessage } from "./errors.ts";
import { loadRecording } from "./recording.ts";
import { startReplayServer } from "./server.ts";

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const fail = (line: string, exitCode: number): never => {
  process.stderr.write(`wikistream: ${line}\n`);
  process.exit(exitCode);
};

async function main(argv: readonly string[]): Promise<void> {
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`wikistream: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (command.command === "help") {
    log(USAGE);
    return;
  }

  for (const file of command.files) {
    await access(file).catch(() => fail(`recording not found: ${file}`, 2));
  }
  const events = [];
  for (const file of command.files) {
    try {
      events.push(...(await loadRecording(file)));
    } catch (error) {
      fail(errorMessage(error), 1);
    }
  }
  let server: Awaited<ReturnType<typeof startReplayServer>>;
  try {
    server = await startReplayServer({ ...command.options, events, log });
  } catch (error) {
    return fail(`cannot start: ${errorMessage(error)}`, 1);
  }
  log(
    `replaying ${events.length} events (streams: ${server.streams.join(", ")}) at ${server.streamUrl(server.streams)}`,
  );

  const stop = (signal: string) => {
    log(
      `${signal}: closing (${server.connections} connections served, ${server.stats.eventsSent} events sent)`,
    );
    server.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`close failed: ${errorMessage(error)}`, 1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main(process.argv.slice(2)).catch((error: unknown) => fail(errorMessage(error), 1));
