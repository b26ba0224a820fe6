import { nodeTlsOptions, type TlsSettings } from "@wikistream/config";
import type { KafkaConfig, SASLOptions } from "kafkajs";

export type KafkaSaslOptions =
  | { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string }
  /** AWS MSK IAM: OAUTHBEARER tokens from AWS's own signer, with the standard AWS credential chain. */
  | { mechanism: "aws"; region: string };

/** How a client authenticates; the shape @wikistream/config's kafkaConnectionFromEnv returns. */
export interface KafkaSecurityOptions {
  /** TLS for the broker connections (the one shape @wikistream/config reads from files). */
  ssl: TlsSettings | undefined;
  sasl: KafkaSaslOptions | undefined;
}

/** A signed MSK IAM token; injected in tests, AWS's signer otherwise. */
export type MskTokenSource = (region: string) => Promise<{ token: string; expiryTime: number }>;

/**
 * AWS's signer, loaded on first use so clients without IAM never load the AWS SDK. It signs with the
 * default credential chain (environment, profile, web identity, container and instance roles).
 */
const awsSigner: MskTokenSource = async (region) => {
  const signer = (await import("aws-msk-iam-sasl-signer-js")) as {
    generateAuthToken?: (o: { region: string }) => Promise<{ token: string; expiryTime: number }>;
    default?: {
      generateAuthToken: (o: { region: string }) => Promise<{ token: string; expiryTime: number }>;
    };
  };
  const generate = signer.generateAuthToken ?? signer.default?.generateAuthToken;
  if (!generate) throw new Error("aws-msk-iam-sasl-signer-js has no generateAuthToken");
  return generate({ region });
};

export function kafkaSaslConfig(sasl: KafkaSaslOptions, tokens: MskTokenSource = awsSigner): SASLOptions {
  if (sasl.mechanism !== "aws")
    return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
  // kafkajs asks again for each new connection; the signer's tokens live 15 minutes.
  return {
    mechanism: "oauthbearer",
    oauthBearerProvider: async () => ({ value: (await tokens(sasl.region)).token }),
  };
}

/** The `ssl` and `sasl` parts of a kafkajs config. */
export function kafkaSecurityConfig(
  security: KafkaSecurityOptions | undefined,
  tokens?: MskTokenSource,
): Pick<KafkaConfig, "ssl" | "sasl"> {
  const config: Pick<KafkaConfig, "ssl" | "sasl"> = {};
  if (security?.ssl) config.ssl = nodeTlsOptions(security.ssl);
  if (security?.sasl) config.sasl = kafkaSaslConfig(security.sasl, tokens);
  return config;
}

/** What a log line or /status may say about the connection: never a secret. */
export function describeKafkaSecurity(security: KafkaSecurityOptions | undefined): {
  protocol: "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL";
  mechanism: string | undefined;
  username: string | undefined;
} {
  const tls = security?.ssl !== undefined;
  const sasl = security?.sasl;
  return {
    protocol: sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : tls ? "SSL" : "PLAINTEXT",
    mechanism: sasl?.mechanism,
    username: sasl && sasl.mechanism !== "aws" ? sasl.username : undefined,
  };
}
