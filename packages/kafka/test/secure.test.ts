import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { kafkaConnectionFromEnv, kafkaConnectionSchema, loadConfig } from "@wikistream/config";
import { createLogger } from "@wikistream/log";
import { otherCa, type SecureStack, startSecureStack, waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyKafkaError } from "../src/errors.ts";
import { explainKafkaStartupError } from "../src/explain.ts";
import { createKafka, createProducer } from "../src/index.ts";
import { inspectTopicReplication } from "../src/replication.ts";
import type { KafkaSecurityOptions } from "../src/security.ts";
import { ensureTopics } from "../src/topics.ts";

// Private ports: never the default stack's, nor another test's.
const ports = { WIKISTREAM_KAFKA_PORT: 64692, WIKISTREAM_KAFKA_CONTROLLER_PORT: 64693 };
/** Every line kafkajs logged through our logger, checked for secrets at the end. */
const logLines: string[] = [];
const logger = createLogger({ level: "warn", write: (line) => void logLines.push(line) });

let stack: SecureStack;
let brokers: string[];
/** The settings exactly as an app resolves them from `stack.sh env` (password from its file). */
let security: KafkaSecurityOptions;

beforeAll(async () => {
  stack = await startSecureStack(["kafka"], ports);
  const raw = loadConfig("test", kafkaConnectionSchema, stack.env);
  security = kafkaConnectionFromEnv("test", raw);
  brokers = [stack.env.KAFKA_BROKERS ?? ""];
}, 180_000);
afterAll(() => stack?.stop(), 60_000);

/** Connects an admin client with `options` and returns the error it failed with (or undefined). */
async function connectError(options: KafkaSecurityOptions): Promise<unknown> {
  const admin = createKafka({
    brokers,
    clientId: "secure-test",
    logger,
    security: options,
    retries: 1,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await admin.disconnect();
  }
}

describe("Kafka over SASL_SSL (secure stack)", () => {
  it("produces and consumes with SCRAM-SHA-512, the settings resolved from the variables", async () => {
    expect(security.sasl).toMatchObject({ mechanism: "scram-sha-512", username: "wikistream" });
    const kafka = createKafka({ brokers, clientId: "secure-test", logger, security });
    const topic = `secure-test-${randomUUID()}`;
    expect(await ensureTopics(kafka, [{ topic, partitions: 2 }])).toEqual([topic]);
    const { producer } = createProducer(kafka);
    await producer.connect();
    const values = Array.from({ length: 20 }, (_, i) => `event-${i}`);
    await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `secure-test-${randomUUID()}` });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
      await waitFor("all 20 records consumed", () => seen.length >= values.length, 30_000);
    } finally {
      await consumer.disconnect();
    }
    expect(seen.sort()).toEqual([...values].sort());

    const admin = kafka.admin();
    await admin.connect();
    try {
      const inspected = await inspectTopicReplication(admin, [topic]);
      expect(inspected).toMatchObject({
        brokers: 1,
        topics: [{ topic, replicationFactor: 1, minInsyncReplicas: 1 }],
      });
      expect(inspected.warnings).toEqual([]);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });

  it.each(["scram-sha-256", "plain"] as const)("authenticates with %s too", async (mechanism) => {
    const password = readFileSync(stack.env.KAFKA_SASL_PASSWORD_FILE ?? "", "utf8");
    expect(
      await connectError({ ...security, sasl: { mechanism, username: "wikistream", password } }),
    ).toBeUndefined();
  });

  it("a wrong password fails as authentication, and the line names the variables, not the password", async () => {
    const error = await connectError({
      ...security,
      sasl: { mechanism: "scram-sha-512", username: "wikistream", password: "not-the-password" },
    });
    expect(classifyKafkaError(error).kind).toBe("authentication");
    const line = explainKafkaStartupError(error, {
      brokers,
      timeoutVariable: "X_STARTUP_TIMEOUT_MS",
      security,
    });
    expect(line).toMatch(
      /refused user "wikistream" with KAFKA_SASL_MECHANISM=scram-sha-512: check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    expect(line).not.toContain("not-the-password");
  });

  it("a wrong CA fails as authentication (not an outage to wait out), naming KAFKA_SSL_CA_FILE", async () => {
    const ssl = { ca: await otherCa(), rejectUnauthorized: true, verifyHostname: true };
    const error = await connectError({ ...security, ssl });
    expect(classifyKafkaError(error).kind).toBe("authentication");
    const line = explainKafkaStartupError(error, {
      brokers,
      timeoutVariable: "X_STARTUP_TIMEOUT_MS",
      security: { ...security, ssl },
    });
    expect(line).toMatch(/certificate is not trusted \([A-Z_]+\): set KAFKA_SSL_CA_FILE/);
  });

  it("no log line carries a password, the real one or the wrong one", () => {
    const password = readFileSync(stack.env.KAFKA_SASL_PASSWORD_FILE ?? "", "utf8");
    expect(logLines.length).toBeGreaterThan(0); // the failures above were logged
    expect(logLines.filter((line) => line.includes(password) || line.includes("not-the-password"))).toEqual(
      [],
    );
  });

  it("plaintext against the TLS listener does not authenticate", async () => {
    const error = await connectError({ ssl: undefined, sasl: undefined });
    expect(error).toBeDefined();
  });
});
