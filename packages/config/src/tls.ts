import type { ConnectionOptions } from "node:tls";
import {
  expectPem,
  fileFromEnv,
  type Problems,
  type RawEnv,
  type ReadFile,
  readTextFile,
  secretFromEnv,
} from "./secrets.ts";

/**
 * TLS settings resolved from files: what `@wikistream/kafka` and `@wikistream/opensearch` take as `ssl`
 * (see nodeTlsOptions). Without `ca` the system's trusted CAs apply.
 */
export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  /** false: accept any certificate (testing only). */
  rejectUnauthorized: boolean;
  /** false: check the chain but not that the certificate names the host (certificates without SANs). */
  verifyHostname: boolean;
}

/**
 * Node's TLS options (`tls.connect`), which kafkajs' `ssl` and the OpenSearch client's `ssl` pass
 * through: hostname checks are off only when asked.
 */
export function nodeTlsOptions(tls: TlsSettings): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.ca !== undefined) options.ca = tls.ca;
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
  if (!tls.verifyHostname) options.checkServerIdentity = () => undefined;
  return options;
}

/** Which variables hold one client's TLS settings, e.g. prefix `KAFKA_SSL` → `KAFKA_SSL_CA_FILE`. */
export function tlsVariables(prefix: string) {
  return {
    ca: `${prefix}_CA_FILE`,
    cert: `${prefix}_CERT_FILE`,
    key: `${prefix}_KEY_FILE`,
    passphrase: `${prefix}_KEY_PASSWORD`,
    rejectUnauthorized: `${prefix}_REJECT_UNAUTHORIZED`,
    verifyHostname: `${prefix}_VERIFY_HOSTNAME`,
  } as const;
}

/** Whether any file variable of the prefix is set (used to refuse TLS files on a plaintext connection). */
export function tlsFilesGiven(raw: RawEnv, prefix: string): string[] {
  const names = tlsVariables(prefix);
  return [names.ca, names.cert, names.key].filter(
    (name) => typeof raw[name] === "string" && raw[name] !== "",
  );
}

export function tlsFromEnv(
  raw: RawEnv,
  prefix: string,
  problems: Problems,
  read: ReadFile = readTextFile,
): TlsSettings {
  const names = tlsVariables(prefix);
  const pem = (variable: string, label: RegExp, what: string) =>
    expectPem(variable, raw[variable], fileFromEnv(raw, variable, problems, read), label, what, problems);
  const ca = pem(names.ca, /CERTIFICATE/, "one or more CA certificates (-----BEGIN CERTIFICATE-----)");
  const cert = pem(names.cert, /CERTIFICATE/, "the client certificate (-----BEGIN CERTIFICATE-----)");
  const key = pem(names.key, /(?:RSA |EC |ENCRYPTED )?PRIVATE KEY/, "the client's private key");
  const passphrase = secretFromEnv(raw, names.passphrase, problems, read);
  if ((raw[names.cert] === undefined) !== (raw[names.key] === undefined)) {
    const missing = raw[names.cert] === undefined ? names.cert : names.key;
    problems.add(missing, undefined, `a client certificate needs both ${names.cert} and ${names.key}`);
  }
  const settings: TlsSettings = {
    rejectUnauthorized: raw[names.rejectUnauthorized] !== false,
    verifyHostname: raw[names.verifyHostname] !== false,
  };
  if (ca !== undefined) settings.ca = ca;
  if (cert !== undefined) settings.cert = cert;
  if (key !== undefined) settings.key = key;
  if (passphrase !== undefined) settings.passphrase = passphrase;
  return settings;
}
