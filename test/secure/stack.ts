import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type SecureStack, startSecureStack } from "@wikistream/testkit";

const run = promisify(execFile);
const pom = fileURLToPath(new URL("../../deploy/local/pom.xml", import.meta.url));

/** Private ports of one secure stack: the 6xxxx range, where neither the lead's cluster nor helpers are. */
export function securePorts(base: number): Record<string, number> {
  return {
    WIKISTREAM_KAFKA_PORT: base,
    WIKISTREAM_KAFKA_CONTROLLER_PORT: base + 1,
    WIKISTREAM_OPENSEARCH_PORT: base + 100,
    WIKISTREAM_OPENSEARCH_BACKEND_PORT: base + 101,
    WIKISTREAM_OPENSEARCH_TRANSPORT_PORT: base + 200,
  };
}

/** The whole secure stack (SASL_SSL Kafka, OpenSearch behind nginx with TLS and basic auth). */
export function startWholeSecureStack(base: number, env: Record<string, string> = {}): Promise<SecureStack> {
  return startSecureStack(["kafka", "opensearch", "proxy"], securePorts(base), {
    stateParent: "/tmp",
    statePrefix: "h5-secure-",
    // A loaded 2-core machine takes OpenSearch past stack.sh's default 120 s.
    env: { WIKISTREAM_START_TIMEOUT: "300", ...env },
  });
}

export const passwordOf = (stack: SecureStack, name: "kafka" | "kafka-admin" | "opensearch"): string =>
  readFileSync(join(stack.state, "secrets", `${name}.password`), "utf8");

/** JDK (>= 21) and Kafka jars the way stack.sh finds them, to run Kafka's own admin tools. */
function kafkaTools(): { java: string; classpath: string } {
  const version = /<kafka\.version>(.*)<\/kafka\.version>/.exec(readFileSync(pom, "utf8"))?.[1];
  const caches = [
    process.env.WIKISTREAM_CACHE,
    "/var/cache/wikistream",
    `${process.env.HOME}/.cache/wikistream`,
  ];
  const libs = caches.map((cache) => `${cache}/kafka-${version}/libs`).find((dir) => existsSync(dir));
  const jdks = [process.env.JAVA_HOME, ...readdirSync("/usr/lib/jvm").map((d) => `/usr/lib/jvm/${d}`)];
  const java = jdks.map((jdk) => `${jdk}/bin/java`).find((path) => existsSync(path));
  if (!libs || !java) throw new Error(`no Kafka ${version} jars or no JDK found (run stack.sh up first)`);
  return { java, classpath: `${libs}/*` };
}

/** Runs one of Kafka's own admin tools (a class of kafka-tools/kafka_2.13) as user admin over SASL_SSL. */
async function kafkaTool(stack: SecureStack, tool: string, args: readonly string[]): Promise<void> {
  const { java, classpath } = kafkaTools();
  const dir = await mkdtemp("/tmp/h5-kafka-admin-");
  const config = join(dir, "admin.properties");
  try {
    await writeFile(
      config,
      [
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${passwordOf(stack, "kafka-admin")}";`,
        "ssl.truststore.type=PEM",
        `ssl.truststore.location=${stack.env.KAFKA_SSL_CA_FILE}`,
      ].join("\n"),
      { mode: 0o600 },
    );
    const bootstrap = ["--bootstrap-server", stack.env.KAFKA_BROKERS ?? "", "--command-config", config];
    await run(java, ["-cp", classpath, tool, ...bootstrap, ...args]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Sets user wikistream's SCRAM-SHA-512 password on the broker (kafka-configs.sh --alter
 * --add-config, as the admin user over SASL_SSL): a rotation as an operator does it.
 */
export function setKafkaPassword(stack: SecureStack, password: string): Promise<void> {
  return kafkaTool(stack, "kafka.admin.ConfigCommand", [
    "--alter",
    "--entity-type",
    "users",
    "--entity-name",
    "wikistream",
    "--add-config",
    `SCRAM-SHA-512=[password=${password}]`,
  ]);
}

/** kafka-acls.sh with these arguments (after --bootstrap-server and --command-config), as admin. */
export function kafkaAcls(stack: SecureStack, args: readonly string[]): Promise<void> {
  return kafkaTool(stack, "org.apache.kafka.tools.AclCommand", args);
}

/** Gives user wikistream `password` in nginx's htpasswd and reloads nginx (`nginx -s reload`). */
export async function setOpenSearchPassword(stack: SecureStack, password: string): Promise<void> {
  const dir = join(stack.state, "proxy");
  const hash = await new Promise<string>((resolve, reject) => {
    const child = execFile("openssl", ["passwd", "-apr1", "-stdin"], (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim()),
    );
    child.stdin?.end(password);
  });
  await writeFile(join(dir, "htpasswd"), `wikistream:${hash}\n`, { mode: 0o600 });
  await run("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-s", "reload"]);
}
