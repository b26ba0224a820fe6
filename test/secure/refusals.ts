import { writeFileSync } from "node:fs";
import { otherCa, type SecureStack } from "@wikistream/testkit";
import { expect } from "vitest";
import { leaks, runToExit } from "./apps.ts";
import { passwordOf } from "./stack.ts";

export function wrongPasswordFile(stack: SecureStack): string {
  const file = `${stack.state}/secrets/wrong.password`;
  writeFileSync(file, "not-the-password", { mode: 0o600 });
  return file;
}

export async function otherCaFile(stack: SecureStack): Promise<string> {
  const file = `${stack.state}/certs/other-ca.pem`;
  writeFileSync(file, await otherCa());
  return file;
}

/**
 * Exit 1 and exactly one stderr line `<app>: …` matching `line`; no password anywhere in the output.
 * With `withinMs`, the exit must also come that soon: a configuration fault must not wait out the
 * start-up deadline as a settling cluster would.
 */
export async function expectRefusal(
  stack: SecureStack,
  app: "ingest" | "indexer",
  env: Record<string, string>,
  line: RegExp,
  withinMs?: number,
): Promise<void> {
  const t0 = Date.now();
  const { code, lines } = await runToExit(app, env, 90_000);
  const ms = Date.now() - t0;
  const explained = lines.filter((l) => l.startsWith(`${app}: `));
  console.log(`secure start-up refusal (${app}, ${ms} ms): ${explained[0]}`);
  expect({ code, explained: explained.length }, lines.join("\n")).toEqual({ code: 1, explained: 1 });
  if (withinMs !== undefined)
    expect(ms, `exit after ${ms} ms, expected < ${withinMs} ms`).toBeLessThan(withinMs);
  expect(explained[0]).toMatch(line);
  const secrets = [passwordOf(stack, "kafka"), passwordOf(stack, "opensearch"), "not-the-password"];
  expect(leaks(lines, secrets)).toEqual([]);
}
