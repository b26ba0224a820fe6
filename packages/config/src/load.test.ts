import { describe, expect, it } from "vitest";
import { z } from "zod";
import { env } from "./env.ts";
import { ConfigError, describeConfig, loadConfig } from "./load.ts";

const schema = z.object({
  APP_PORT: env.port(8080),
  APP_BROKERS: env.list("127.0.0.1:9092"),
  APP_DEBUG: env.bool(false),
  APP_URL: env.url("http://127.0.0.1:9200"),
  APP_PASSWORD: env.optionalString(),
  APP_MODE: env.enumOf(["fast", "slow"], "fast"),
});

describe("loadConfig", () => {
  it("applies documented defaults, treating empty strings as unset", () => {
    const config = loadConfig("app", schema, { APP_PORT: "" });
    expect(config).toEqual({
      APP_PORT: 8080,
      APP_BROKERS: ["127.0.0.1:9092"],
      APP_DEBUG: false,
      APP_URL: "http://127.0.0.1:9200",
      APP_PASSWORD: undefined,
      APP_MODE: "fast",
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("parses typed values", () => {
    const config = loadConfig("app", schema, {
      APP_PORT: "9000",
      APP_BROKERS: "a:1, b:2,",
      APP_DEBUG: "yes",
    });
    expect(config.APP_PORT).toBe(9000);
    expect(config.APP_BROKERS).toEqual(["a:1", "b:2"]);
    expect(config.APP_DEBUG).toBe(true);
  });

  it("reports every bad variable with its value and what was expected", () => {
    const attempt = () =>
      loadConfig("app", schema, {
        APP_PORT: "99999",
        APP_DEBUG: "maybe",
        APP_URL: "ftp://x",
        APP_MODE: "medium",
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const { problems, message } = error as ConfigError;
      expect(problems.map((p) => p.variable)).toEqual(["APP_PORT", "APP_DEBUG", "APP_URL", "APP_MODE"]);
      expect(message).toContain('APP_PORT="99999"');
      expect(message).toContain("expected true or false");
    }
  });

  it("never prints a secret's value", () => {
    const secretSchema = z.object({ APP_PASSWORD: z.string().min(20) });
    expect(() => loadConfig("app", secretSchema, { APP_PASSWORD: "hunter2" })).toThrow(
      /APP_PASSWORD=\(redacted\)/,
    );
  });
});

describe("describeConfig", () => {
  it("lists variables with defaults", () => {
    expect(describeConfig(schema)).toContainEqual({ variable: "APP_PORT", default: 8080 });
  });
});
