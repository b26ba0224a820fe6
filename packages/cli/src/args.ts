import { parseArgs } from "node:util";
import { type KafkaSecurityOptions, kafkaSecurityFromEnv } from "@wikistream/kafka";
import {
  type OpenSearchOptions,
  openSearchOptionsFromEnv,
  parseOpenSearchUrls,
} from "@wikistream/opensearch";
import { UsageError } from "./errors.ts";

export type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/** `node:util` parseArgs, strict, its errors (which name the flag) turned into UsageError. */
export function parseFlags<T extends OptionSpec>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A comma-separated and/or repeated flag as one list; undefined when absent. */
export function listFlag(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(",")).map((v) => v.trim());
  const list = items.filter(Boolean);
  return list.length > 0 ? list : undefined;
}

export function intFlag(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`${flag}: expected an integer >= ${min}, got "${value}"`);
  }
  return Number(value);
}

/** Kafka offsets stay strings (they are 64-bit). */
export function offsetFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`${flag}: expected an offset (an integer >= 0), got "${value}"`);
  return value;
}

export function oneOf<T extends string>(
  value: string | undefined,
  flag: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag}: expected one of ${allowed.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** Where the services are: flags first, then the variables the apps read, then the local defaults. */
export const connectionOptions = {
  brokers: { type: "string" },
  opensearch: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

export interface Connection {
  brokers: string[];
  /**
   * TLS and SASL for the brokers from the apps' KAFKA_SSL_* / KAFKA_SASL_* variables (CA bundle,
   * client certificate, PLAIN, SCRAM or AWS MSK IAM, `*_FILE` secrets), as ingest and the indexer read
   * them. Environment only, never a flag, for the same reason as the OpenSearch credentials.
   */
  kafka: KafkaSecurityOptions;
  /** One node or several (--opensearch / OPENSEARCH_URL, comma-separated), as the indexer reads them. */
  opensearchUrls: string[];
  /**
   * The client options for those nodes from the indexer's OPENSEARCH_* variables (TLS CA and client
   * certificate, basic auth or SigV4, `*_FILE` secrets). Credentials only from the environment, never
   * from a flag: argv is visible to every user of the host.
   */
  opensearch: OpenSearchOptions;
}

export function connectionOf(
  values: { brokers?: string | undefined; opensearch?: string | undefined },
  env: Record<string, string | undefined>,
): Connection {
  const brokers = listFlag(values.brokers ?? env.KAFKA_BROKERS ?? "127.0.0.1:9092");
  if (brokers === undefined) throw new UsageError("--brokers: expected host:port[,host:port…]");
  const opensearch = parseOpenSearchUrls(values.opensearch ?? env.OPENSEARCH_URL ?? "http://127.0.0.1:9200");
  if (!opensearch.ok) {
    // The problem never quotes a value with credentials in it (parseOpenSearchUrls).
    const from = values.opensearch === undefined ? "OPENSEARCH_URL" : "--opensearch";
    throw new UsageError(`${from}: ${opensearch.problem}`);
  }
  return {
    brokers,
    kafka: configured(() => kafkaSecurityFromEnv("wikistream", env)),
    opensearchUrls: opensearch.urls,
    opensearch: configured(() => openSearchOptionsFromEnv("wikistream", env, opensearch.urls)),
  };
}

/** A connection read from the environment, its configuration problems (every bad variable, no secret) as usage. */
function configured<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if ((error as { code?: unknown }).code !== "config_invalid") throw error;
    throw new UsageError((error as Error).message);
  }
}
