import { describe, expect, it } from "vitest";
import { CliUsageError } from "./cli-args.ts";
import { ReplayError } from "./errors.ts";

describe("errors", () => {
  it("carry their own code, context and cause, and are never retryable", () => {
    const cause = new SyntaxError("Unexpected token");
    const error = new ReplayError("recording_invalid_json", "a.ndjson:3: not valid JSON", {
      file: "a.ndjson",
      line: 3,
      cause,
    });
    expect(error).toMatchObject({
      name: "ReplayError",
      code: "recording_invalid_json",
      file: "a.ndjson",
      line: 3,
    });
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(false);
    expect(new CliUsageError("x").code).toBe("cli_usage");
    expect(new CliUsageError("x")).not.toBeInstanceOf(ReplayError);
  });
});
