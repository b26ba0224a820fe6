import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { classifyKafkaError, isRetriableKafkaFailure } from "./errors.ts";
import { explainKafkaStartupError } from "./explain.ts";

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } = kafkajs;
const SaslError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

const tlsError = (code: string) =>
  new KafkaJSNumberOfRetriesExceeded(
    new KafkaJSConnectionError(`Connection error: ${code}`, { broker: "127.0.0.1:9093", code } as never),
    { retryCount: 5, retryTime: 1000 },
  );
const settings = {
  brokers: ["127.0.0.1:9093"],
  timeoutVariable: "INGEST_STARTUP_TIMEOUT_MS",
  security: {
    ssl: { ca: "CA", rejectUnauthorized: true, verifyHostname: true },
    sasl: { mechanism: "scram-sha-512", username: "ingest", password: "hunter2" },
  },
} as const;

describe("TLS and SASL failures at start", () => {
  it("classifies an untrusted certificate as authentication, not as an outage to wait out", () => {
    const failure = classifyKafkaError(tlsError("SELF_SIGNED_CERT_IN_CHAIN"));
    expect(failure.kind).toBe("authentication");
    expect(isRetriableKafkaFailure(failure)).toBe(false);
  });

  it("names KAFKA_SSL_CA_FILE for an untrusted certificate", () => {
    expect(explainKafkaStartupError(tlsError("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), settings)).toMatch(
      /not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): set KAFKA_SSL_CA_FILE/,
    );
  });

  it("names KAFKA_SSL_VERIFY_HOSTNAME for a certificate of another host", () => {
    expect(explainKafkaStartupError(tlsError("ERR_TLS_CERT_ALTNAME_INVALID"), settings)).toContain(
      "KAFKA_SSL_VERIFY_HOSTNAME=false",
    );
  });

  it("names the user and the credential variables for a refused password, never the password", () => {
    const line = explainKafkaStartupError(new SaslError("SASL SCRAM SHA512 authentication failed"), settings);
    expect(line).toContain('refused user "ingest" with KAFKA_SASL_MECHANISM=scram-sha-512');
    expect(line).toContain("KAFKA_SASL_PASSWORD");
    expect(line).not.toContain("hunter2");
  });
});
