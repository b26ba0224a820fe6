import { tlsFailureCodes } from "./errors.ts";
import type { KafkaSecurityOptions } from "./security.ts";

/** The socket code of the innermost error (kafkajs keeps the TLS error's code on its connection error). */
function socketCodeOf(error: unknown): string | undefined {
  let code: string | undefined;
  for (
    let e = error as { code?: unknown; cause?: unknown; errors?: unknown } | undefined, depth = 0;
    e && depth < 8;
    depth++
  ) {
    if (typeof e.code === "string") code = e.code;
    const next = Array.isArray(e.errors) ? e.errors[0] : e.cause;
    e = typeof next === "object" && next !== null ? next : undefined;
  }
  return code;
}

/**
 * The fix for a failure classified `authentication`, naming the variables to change: the CA or host
 * name for a TLS failure, the credentials for a refused SASL handshake. Never includes a secret.
 */
export function kafkaAuthenticationFix(error: unknown, security: KafkaSecurityOptions | undefined): string {
  const code = socketCodeOf(error);
  if (code !== undefined && tlsFailureCodes.has(code)) {
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
      return "the broker's certificate does not name the host in KAFKA_BROKERS: use the host name the certificate was issued for, or set KAFKA_SSL_VERIFY_HOSTNAME=false";
    }
    if (code.startsWith("ERR_SSL_")) {
      return "the broker did not answer TLS: check that KAFKA_BROKERS points at a TLS listener, or unset KAFKA_SSL for a plaintext one";
    }
    if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
      return `the broker's certificate is not valid now (${code}): renew it`;
    }
    return `the broker's certificate is not trusted (${code}): set KAFKA_SSL_CA_FILE to the CA bundle that signed the brokers' certificates${security?.ssl?.ca === undefined ? " (now unset: the system CAs apply)" : ""}`;
  }
  const sasl = security?.sasl;
  if (sasl === undefined) {
    return "the brokers require authentication: set KAFKA_SASL_MECHANISM and its credentials (and KAFKA_SSL=true)";
  }
  if (sasl.mechanism === "aws") {
    return `AWS MSK IAM was refused: check the AWS credentials the credential chain found (AWS_PROFILE, AWS_ACCESS_KEY_ID, the role) and their kafka-cluster:Connect permission, and KAFKA_SASL_AWS_REGION=${sasl.region}`;
  }
  return `the brokers refused user "${sasl.username}" with KAFKA_SASL_MECHANISM=${sasl.mechanism}: check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) and that the mechanism is enabled on the listener`;
}
