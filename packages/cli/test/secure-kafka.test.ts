import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createKafka, ensureTopics, kafkaSecurityFromEnv } from "@wikistream/kafka";
import { createLogger } from "@wikistream/log";
import { type SecureStack, startSecureStack } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./helpers/services.ts";

// `wikistream dlq` against Kafka over SASL_SSL with SCRAM (the secure stack), with the apps'
// variables: the CA bundle and the password from their files. Before the CLI read KAFKA_SSL_* and
// KAFKA_SASL_*, it spoke plaintext to the TLS listener and never got an answer. Private ports (moved by
// WIKISTREAM_TEST_PORT_PREFIX), never another test's.
const ports = { WIKISTREAM_KAFKA_PORT: 64942, WIKISTREAM_KAFKA_CONTROLLER_PORT: 64943 };

let stack: SecureStack;
const topic = `wscli-dlq-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  stack = await startSecureStack(["kafka"], ports);
  const kafka = createKafka({
    brokers: [stack.env.KAFKA_BROKERS ?? ""],
    clientId: "cli-secure-test",
    logger: createLogger({ level: "warn" }),
    security: kafkaSecurityFromEnv("test", stack.env),
  });
  await ensureTopics(kafka, [{ topic, partitions: 1 }]);
}, 300_000);
afterAll(() => stack?.stop(), 60_000);

describe("wikistream dlq on Kafka over SASL_SSL with SCRAM", () => {
  it("lists a dead-letter topic with the CA bundle and the password from its file, as the apps connect", async () => {
    const run = await cli(["dlq", "list", "--topic", topic, "--json"], stack.env);
    expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: ["0 letter(s) selected"] });
    expect(run.out).toEqual([]);
  }, 120_000);

  it("a wrong password fails the command (exit 1) with the refusal, naming no secret", async () => {
    const password = stack.env.KAFKA_SASL_PASSWORD_FILE
      ? readFileSync(stack.env.KAFKA_SASL_PASSWORD_FILE, "utf8").trim()
      : (stack.env.KAFKA_SASL_PASSWORD ?? "");
    expect(password).not.toBe("");
    const { KAFKA_SASL_PASSWORD_FILE: _file, ...env } = stack.env;
    const run = await cli(["dlq", "list", "--topic", topic], {
      ...env,
      KAFKA_SASL_PASSWORD: "not-the-password",
    });
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toMatch(/SASL|authenticat/i);
    expect(run.err.join("\n")).not.toContain(password);
    expect(run.err.join("\n")).not.toContain("not-the-password");
  }, 120_000);
});
