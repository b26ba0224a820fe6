import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { recordingPath } from "./shared-data.ts";
import { readStream } from "./testing/sse-client.ts";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function run(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe("wikistream CLI", { timeout: 10_000 }, () => {
  it("prints usage for --help", async () => {
    const cli = run(["--help"]);
    expect(await cli.exited).toBe(0);
    expect(cli.out()).toContain("Usage: wikistream replay <file...>");
  });

  it("names a missing recording in one line and exits 2", async () => {
    const cli = run(["replay", "/nowhere/missing.sse"]);
    expect(await cli.exited).toBe(2);
    expect(cli.err()).toBe("wikistream: recording not found: /nowhere/missing.sse\n");
  });

  it("replays, logs each connection with its Last-Event-ID, and stops on SIGTERM", async () => {
    const cli = run([
      "replay",
      recordingPath("recentchange-raw-2022-12.sse"),
      "--port",
      "0",
      "--close-after-events",
      "2",
    ]);
    await expect.poll(cli.out, { timeout: 5000 }).toMatch(/at http:\/\/\S+\n/);
    const match =
      /replaying 3 events \(streams: mediawiki\.recentchange\) at (http:\/\/127\.0\.0\.1:\d+)\/v2\/stream\/mediawiki\.recentchange\n/.exec(
        cli.out(),
      );
    expect(match).not.toBeNull();
    const url = `${match?.[1]}/v2/stream/recentchange`;
    const first = await readStream(url);
    expect(first.events).toHaveLength(2);
    await readStream(url, { lastEventId: first.events[1]?.id, maxEvents: 1 });
    await expect
      .poll(cli.out)
      .toContain(`#1 GET /v2/stream/recentchange Last-Event-ID: ${first.events[1]?.id}`);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.out()).toContain("#0 GET /v2/stream/recentchange Last-Event-ID: (none)");
  });
});
