import { z } from "zod";
import { env } from "./env.ts";
import { ConfigError } from "./load.ts";
import {
  Problems,
  type RawEnv,
  type ReadFile,
  readTextFile,
  requiredFromEnv,
  secretFromEnv,
} from "./secrets.ts";
import { type TlsSettings, tlsFilesGiven, tlsFromEnv } from "./tls.ts";

export const kafkaSaslMechanisms = ["none", "plain", "scram-sha-256", "scram-sha-512", "aws"] as const;

/** Lower-cased first, so the Java clients' spelling (SCRAM-SHA-512) works too. */
const mechanism = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(kafkaSaslMechanisms, { message: `expected one of ${kafkaSaslMechanisms.join(", ")}` }))
  .default("none");

/**
 * The Kafka connection variables both apps read; spread into an app's schema
 * (`z.object({ ...kafkaConnectionEnv, ... })`), then resolve with kafkaConnectionFromEnv.
 */
export const kafkaConnectionEnv = {
  KAFKA_SSL: env.bool(false),
  KAFKA_SSL_CA_FILE: env.optionalString(),
  KAFKA_SSL_CERT_FILE: env.optionalString(),
  KAFKA_SSL_KEY_FILE: env.optionalString(),
  KAFKA_SSL_KEY_PASSWORD: env.optionalString(),
  KAFKA_SSL_KEY_PASSWORD_FILE: env.optionalString(),
  KAFKA_SSL_REJECT_UNAUTHORIZED: env.bool(true),
  KAFKA_SSL_VERIFY_HOSTNAME: env.bool(true),
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: env.optionalString(),
  KAFKA_SASL_USERNAME_FILE: env.optionalString(),
  KAFKA_SASL_PASSWORD: env.optionalString(),
  KAFKA_SASL_PASSWORD_FILE: env.optionalString(),
  KAFKA_SASL_AWS_REGION: env.optionalString(),
  KAFKA_ALLOW_INSECURE_AUTH: env.bool(false),
};

export type KafkaSaslSettings =
  | { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string }
  /** AWS MSK IAM: OAUTHBEARER tokens signed with the standard AWS credential chain. */
  | { mechanism: "aws"; region: string };

/** What @wikistream/kafka's createKafka takes as `security`. */
export interface KafkaConnectionSettings {
  ssl: TlsSettings | undefined;
  sasl: KafkaSaslSettings | undefined;
}

/**
 * Resolves the parsed Kafka variables into connection settings: reads certificate and secret files,
 * and refuses combinations that would fail later or leak: TLS files without KAFKA_SSL, a mechanism
 * without its credentials, credentials over plaintext unless KAFKA_ALLOW_INSECURE_AUTH says so.
 * Throws one ConfigError listing every problem; secrets never appear in it.
 */
export function kafkaConnectionFromEnv(
  app: string,
  raw: RawEnv,
  read: ReadFile = readTextFile,
): KafkaConnectionSettings {
  const problems = new Problems();
  const tls = raw.KAFKA_SSL === true;
  const ssl = tls ? tlsFromEnv(raw, "KAFKA_SSL", problems, read) : undefined;
  if (!tls) {
    for (const variable of tlsFilesGiven(raw, "KAFKA_SSL")) {
      problems.add(variable, raw[variable], "is used only over TLS: set KAFKA_SSL=true (or unset it)");
    }
  }
  const sasl = saslFromEnv(raw, problems, read);
  if (sasl !== undefined && !tls) {
    if (sasl.mechanism === "aws") {
      problems.add("KAFKA_SSL", raw.KAFKA_SSL, "AWS MSK IAM listeners accept TLS only: set KAFKA_SSL=true");
    } else if (raw.KAFKA_ALLOW_INSECURE_AUTH !== true) {
      problems.add(
        "KAFKA_SSL",
        raw.KAFKA_SSL,
        `KAFKA_SASL_MECHANISM=${sasl.mechanism} would send credentials without TLS: set KAFKA_SSL=true, or KAFKA_ALLOW_INSECURE_AUTH=true if a plaintext SASL listener is intended`,
      );
    }
  }
  if (problems.list.length > 0) throw new ConfigError(app, [...problems.list]);
  return { ssl, sasl };
}

function saslFromEnv(raw: RawEnv, problems: Problems, read: ReadFile): KafkaSaslSettings | undefined {
  const mechanism = raw.KAFKA_SASL_MECHANISM as (typeof kafkaSaslMechanisms)[number] | undefined;
  const username = secretFromEnv(raw, "KAFKA_SASL_USERNAME", problems, read);
  const password = secretFromEnv(raw, "KAFKA_SASL_PASSWORD", problems, read);
  const given = ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"].flatMap((name) =>
    [name, `${name}_FILE`].filter((v) => raw[v] !== undefined),
  );
  if (mechanism === undefined || mechanism === "none") {
    for (const variable of given) {
      problems.add(
        variable,
        raw[variable],
        "is used only with KAFKA_SASL_MECHANISM (plain, scram-sha-256, scram-sha-512)",
      );
    }
    return undefined;
  }
  if (mechanism === "aws") {
    for (const variable of given) {
      problems.add(
        variable,
        raw[variable],
        "is not used with KAFKA_SASL_MECHANISM=aws (AWS credentials come from the AWS credential chain)",
      );
    }
    const region = requiredFromEnv(
      raw,
      "KAFKA_SASL_AWS_REGION",
      problems,
      "KAFKA_SASL_MECHANISM=aws needs the cluster's AWS region, e.g. us-east-1",
    );
    return region === undefined ? undefined : { mechanism, region };
  }
  const unset = (name: string) => raw[name] === undefined && raw[`${name}_FILE`] === undefined;
  if (unset("KAFKA_SASL_USERNAME")) {
    problems.add(
      "KAFKA_SASL_USERNAME",
      undefined,
      `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME or KAFKA_SASL_USERNAME_FILE`,
    );
  }
  if (unset("KAFKA_SASL_PASSWORD")) {
    problems.add(
      "KAFKA_SASL_PASSWORD",
      undefined,
      `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE`,
    );
  }
  return username !== undefined && password !== undefined ? { mechanism, username, password } : undefined;
}

/** The Kafka connection variables alone, for tools and tests that read nothing else. */
export const kafkaConnectionSchema = z.object(kafkaConnectionEnv);
