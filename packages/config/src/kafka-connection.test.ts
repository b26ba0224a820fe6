import { describe, expect, it } from "vitest";
import { z } from "zod";
import { kafkaConnectionEnv, kafkaConnectionFromEnv } from "./kafka-connection.ts";
import { loadConfig } from "./load.ts";
import { CA_PEM as CA, fakeFiles, KEY_PEM as KEY, problemsOf as problemsOfResolving } from "./testing.ts";

const read = fakeFiles({
  "/certs/ca.pem": CA,
  "/certs/client.pem": CA,
  "/certs/client.key": KEY,
  "/run/secrets/kafka-pw": "scram-secret\n",
});

const schema = z.object(kafkaConnectionEnv);
const resolve = (source: Record<string, string>) =>
  kafkaConnectionFromEnv("ingest", loadConfig("ingest", schema, source), read);

const problemsOf = (source: Record<string, string>) => problemsOfResolving(() => resolve(source));

describe("kafkaConnectionFromEnv", () => {
  it("defaults to plaintext without SASL", () => {
    expect(resolve({})).toEqual({ ssl: undefined, sasl: undefined });
  });

  it("resolves TLS with a CA bundle, a client certificate and hostname checks on", () => {
    const settings = resolve({
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: "/certs/ca.pem",
      KAFKA_SSL_CERT_FILE: "/certs/client.pem",
      KAFKA_SSL_KEY_FILE: "/certs/client.key",
    });
    expect(settings.ssl).toEqual({
      ca: CA,
      cert: CA,
      key: KEY,
      rejectUnauthorized: true,
      verifyHostname: true,
    });
  });

  it("turns verification off only when told", () => {
    const settings = resolve({
      KAFKA_SSL: "true",
      KAFKA_SSL_REJECT_UNAUTHORIZED: "false",
      KAFKA_SSL_VERIFY_HOSTNAME: "false",
    });
    expect(settings.ssl).toMatchObject({ rejectUnauthorized: false, verifyHostname: false });
  });

  it.each(["plain", "scram-sha-256", "SCRAM-SHA-512"])(
    "resolves SASL %s, the password from a file",
    (mechanism) => {
      const settings = resolve({
        KAFKA_SSL: "true",
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: "ingest",
        KAFKA_SASL_PASSWORD_FILE: "/run/secrets/kafka-pw",
      });
      expect(settings.sasl).toEqual({
        mechanism: mechanism.toLowerCase(),
        username: "ingest",
        password: "scram-secret",
      });
    },
  );

  it("resolves AWS MSK IAM with its region", () => {
    const settings = resolve({
      KAFKA_SSL: "true",
      KAFKA_SASL_MECHANISM: "aws",
      KAFKA_SASL_AWS_REGION: "eu-west-1",
    });
    expect(settings.sasl).toEqual({ mechanism: "aws", region: "eu-west-1" });
  });

  it("refuses credentials over plaintext unless KAFKA_ALLOW_INSECURE_AUTH=true", () => {
    const source = {
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD: "hunter2",
    };
    const { variables, message } = problemsOf(source);
    expect(variables).toEqual(["KAFKA_SSL"]);
    expect(message).toContain("KAFKA_ALLOW_INSECURE_AUTH=true");
    expect(message).not.toContain("hunter2");
    expect(resolve({ ...source, KAFKA_ALLOW_INSECURE_AUTH: "true" }).sasl).toMatchObject({ username: "u" });
  });

  it("reports every problem at once, naming the variables and never a secret", () => {
    const { variables, message } = problemsOf({
      KAFKA_SSL_CA_FILE: "/certs/ca.pem",
      KAFKA_SASL_MECHANISM: "scram-sha-256",
      KAFKA_SASL_PASSWORD: "hunter2",
      KAFKA_SASL_PASSWORD_FILE: "/run/secrets/kafka-pw",
    });
    expect(variables).toEqual(["KAFKA_SSL_CA_FILE", "KAFKA_SASL_PASSWORD", "KAFKA_SASL_USERNAME"]);
    expect(message).toContain("set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both");
    expect(message).toContain("set KAFKA_SSL=true");
    expect(message).not.toContain("hunter2");
  });

  it("names an unreadable or wrong PEM file", () => {
    const { variables, message } = problemsOf({
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: "/certs/client.key",
      KAFKA_SSL_CERT_FILE: "/certs/missing.pem",
    });
    expect(variables).toEqual(["KAFKA_SSL_CA_FILE", "KAFKA_SSL_CERT_FILE", "KAFKA_SSL_KEY_FILE"]);
    expect(message).toContain("expected a PEM file with one or more CA certificates");
    expect(message).toContain("cannot read the file /certs/missing.pem (ENOENT)");
    expect(message).not.toContain("MIIE");
  });

  it("refuses AWS IAM without TLS or region, and with a username", () => {
    const { variables } = problemsOf({ KAFKA_SASL_MECHANISM: "aws", KAFKA_SASL_USERNAME: "u" });
    expect(variables).toEqual(["KAFKA_SASL_USERNAME", "KAFKA_SASL_AWS_REGION"]);
    expect(problemsOf({ KAFKA_SASL_MECHANISM: "aws", KAFKA_SASL_AWS_REGION: "us-east-1" }).variables).toEqual(
      ["KAFKA_SSL"],
    );
  });

  it("refuses a username without a mechanism and an unknown mechanism", () => {
    expect(problemsOf({ KAFKA_SASL_USERNAME: "u" }).variables).toEqual(["KAFKA_SASL_USERNAME"]);
    expect(() => resolve({ KAFKA_SASL_MECHANISM: "gssapi" })).toThrow(
      /KAFKA_SASL_MECHANISM="gssapi": expected one of none, plain/,
    );
  });
});
