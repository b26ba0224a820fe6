/** The header of a run's results: command, machine, versions and any app settings from the environment. */
import { readFileSync } from "node:fs";
import os from "node:os";
import type { Client } from "@opensearch-project/opensearch";
import { fmt } from "./format.ts";
import { bunVersion, repoRoot } from "./lib/stack.ts";
import type { BenchOptions } from "./options.ts";

/** `INGEST_*` / `INDEXER_*` variables the spawned apps inherit. */
function appOverrides(): string[] {
  return Object.entries(process.env)
    .filter(([name]) => /^(INGEST|INDEXER)_/.test(name))
    .map(([name, value]) => `${name}=${value}`);
}

export async function environment(opensearch: Client, options: BenchOptions): Promise<string[]> {
  const opensearchVersion = await opensearch
    .info()
    .then((r) => String((r.body as { version?: { number?: string } }).version?.number))
    .catch(() => "unreachable");
  const pom = readFileSync(`${repoRoot}deploy/local/pom.xml`, "utf8");
  const kafkaVersion = /<kafka\.version>([^<]+)</.exec(pom)?.[1] ?? "?";
  const kafkajs = (
    JSON.parse(readFileSync(`${repoRoot}node_modules/kafkajs/package.json`, "utf8")) as {
      version: string;
    }
  ).version;
  const cpu = os.cpus()[0]?.model ?? "?";
  const overrides = appOverrides();
  const args = options.argv.map((a) => ` ${/[\s"']/.test(a) ? JSON.stringify(a) : a}`).join("");
  return [
    `- command: \`node bench/run.ts${args}\` (${options.quick ? "quick sizes" : "default sizes"})`,
    `- machine: ${options.cores} cores (${cpu}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.platform()} ${os.release()}${options.note ? `; ${options.note}` : ""}`,
    "- the local stack (Kafka, OpenSearch, each with a 512 MB heap) runs on the same cores as the benchmark",
    `- runtimes: node ${process.version}, bun ${bunVersion()}; kafkajs ${kafkajs}; Kafka ${kafkaVersion} (KRaft, one node); OpenSearch ${opensearchVersion} (one node)`,
    `- Node compile cache: ${options.compileCache ? "on, filled before the first part, as in production (scripts/compile-cache.ts)" : "off (--no-compile-cache): every Node child strips the TypeScript types itself"}`,
    // The spawned apps inherit the environment: say so when it changes their settings.
    `- app settings from the environment: ${overrides.length > 0 ? overrides.join(", ") : "none (the apps' defaults, except as noted per part)"}`,
  ];
}
