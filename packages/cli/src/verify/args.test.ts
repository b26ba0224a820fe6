import { describe, expect, it } from "vitest";
import { parseVerifyArgs } from "./args.ts";

const now = Date.parse("2026-10-01T00:00:00Z");

describe("parseVerifyArgs", () => {
  it("defaults to both stream topics, ending at the indexer group's commits, 1000 ids a request", () => {
    const { command, connection } = parseVerifyArgs([], {}, now);
    expect(command).toMatchObject({
      group: "wikistream-indexer",
      batch: 1000,
      dlqTopic: "wikistream.indexer.dlq",
    });
    expect(command.topics).toHaveLength(2);
    expect(connection).toMatchObject({
      brokers: ["127.0.0.1:9092"],
      opensearchUrls: ["http://127.0.0.1:9200"],
    });
  });
  it("reads a time window and the variables the apps read", () => {
    const { command, connection } = parseVerifyArgs(
      ["--since", "2h", "--until", "1h", "--dlq-topic", "none", "--to-end"],
      { KAFKA_BROKERS: "k:1" },
      now,
    );
    expect(command.range).toMatchObject({ sinceMs: now - 7_200_000, untilMs: now - 3_600_000 });
    expect(command).toMatchObject({ group: undefined, dlqTopic: undefined });
    expect(connection.brokers).toEqual(["k:1"]);
  });
  it("names the flag it refuses", () => {
    expect(() => parseVerifyArgs(["--batch", "9000"], {}, now)).toThrow(/--batch: at most 5000/);
    expect(() => parseVerifyArgs(["--group", "g", "--to-end"], {}, now)).toThrow(/--group and --to-end/);
    expect(() => parseVerifyArgs(["--since", "yesterday"], {}, now)).toThrow(/--since: expected/);
  });
});
