import { describe, expect, it } from "vitest";
import { CliUsageError, parseCliArgs } from "./cli-args.ts";

describe("parseCliArgs", () => {
  it("reads replay with its defaults", () => {
    expect(parseCliArgs(["replay", "a.sse"])).toEqual({
      command: "replay",
      files: ["a.sse"],
      options: { port: 8090, host: "127.0.0.1", pace: "fast", loop: false },
    });
  });

  it("reads every option", () => {
    const parsed = parseCliArgs([
      "replay",
      "a.sse",
      "b.ndjson",
      "--port=0",
      "--host",
      "0.0.0.0",
      "--pace",
      "2.5",
      "--max-gap-ms",
      "500",
      "--close-after-events",
      "100",
      "--close-after-ms",
      "60000",
      "--id-mode",
      "timestamp",
      "--on-end",
      "close",
      "--loop",
    ]);
    expect(parsed).toEqual({
      command: "replay",
      files: ["a.sse", "b.ndjson"],
      options: {
        port: 0,
        host: "0.0.0.0",
        pace: 2.5,
        loop: true,
        maxGapMs: 500,
        closeAfterEvents: 100,
        closeAfterMs: 60000,
        idMode: "timestamp",
        onEnd: "close",
      },
    });
  });

  it("shows help", () => {
    expect(parseCliArgs(["--help"])).toEqual({ command: "help" });
    expect(parseCliArgs(["replay", "-h"])).toEqual({ command: "help" });
  });

  it.each([
    [[], /missing command/],
    [["serve", "a.sse"], /unknown command "serve"/],
    [["replay"], /at least one recording/],
    [["replay", "a.sse", "--pace", "slow"], /--pace/],
    [["replay", "a.sse", "--port", "http"], /--port/],
    [["replay", "a.sse", "--id-mode", "uuid"], /--id-mode must be one of offset, timestamp/],
    [["replay", "a.sse", "--bogus"], /bogus/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
