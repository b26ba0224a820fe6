#!/usr/bin/env node
const [name, ...rest] = process.argv.slice(2);

if (name === "replay") {
  // @wikistream/replay's own command reads process.argv and owns the process (it serves until a
  // signal): hand it the rest of the arguments as if it had been started directly.
  const replayCli = new URL("./cli.ts", import.meta.resolve("@wikistream/replay"));
  process.argv = [process.argv[0]!, replayCli.pathname, ...rest];
  await import(replayCli.href);
} else {
  const { processIo } = await import("./io.ts");
  const { runCommand } = await import("./main.ts");
  const code = await runCommand(process.argv.slice(2), processIo);
  process.exit(code);
}
