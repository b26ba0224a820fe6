import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kafkaConnectionFromEnv, kafkaConnectionSchema, loadConfig } from "@wikistream/config";
import { createKafka, ensureTopics } from "@wikistream/kafka";
import { createLogger } from "@wikistream/log";
import type { RunNames, SecureStack } from "@wikistream/testkit";
import {
  type AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from "kafkajs";

const readme = fileURLToPath(new URL("../../README.md", import.meta.url));

/** The service users the secure stack makes (wikistream-<name>), each with its password file. */
export type ServiceUser = "ingest" | "indexer" | "ops";

/** An app's Kafka variables as the service user `user` instead of the stack's all-powerful client. */
export function asServiceUser(stack: SecureStack, user: ServiceUser): Record<string, string> {
  return {
    KAFKA_SASL_USERNAME: `wikistream-${user}`,
    KAFKA_SASL_PASSWORD_FILE: join(stack.state, "secrets", `kafka-${user}.password`),
  };
}

/** A Kafka client as the broker's super user "admin": what an operator creates topics and ACLs with. */
export function adminKafka(stack: SecureStack) {
  const env = {
    ...stack.env,
    KAFKA_SASL_USERNAME: "admin",
    KAFKA_SASL_PASSWORD_FILE: join(stack.state, "secrets", "kafka-admin.password"),
  };
  return createKafka({
    brokers: [stack.env.KAFKA_BROKERS ?? ""],
    clientId: "secure-acl-test",
    logger: createLogger({ level: "error" }),
    security: kafkaConnectionFromEnv("test", loadConfig("test", kafkaConnectionSchema, env)),
  });
}

/**
 * The `$A …` lines of the README's ACL block ("Topics and ACLs where the apps may not create topics"),
 * continuation lines joined, with the default names replaced by the run's. The line marked "only for
 * brokers < 3.2" is left out: the stack's broker is newer, and the run shows it is not needed.
 */
export function readmeAclLines(names: RunNames, dlq: { ingest: string; indexer: string }): string[] {
  const text = readFileSync(readme, "utf8");
  const start = text.indexOf('A="kafka-acls.sh $C --add"');
  const block = text.slice(start, text.indexOf("```", start));
  if (start < 0 || block.length === 0) throw new Error("README: the kafka-acls block is gone");
  const rename: [RegExp, string][] = [
    [/\$RC\b/g, names.topics.recentchange],
    [/\$PC\b/g, names.topics.pageChange],
    [/\bwikistream\.ingest\.dlq\b/g, dlq.ingest],
    [/\bwikistream\.indexer\.dlq\b/g, dlq.indexer],
    [/\bwikistream\.dlq\.redrives\b/g, `${names.topicPrefix}dlq.redrives`],
    [/--group wikistream-indexer\b/g, `--group ${names.groupId}`],
  ];
  return block
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("$A ") && !line.includes("only for brokers < 3.2"))
    .map((line) => rename.reduce((l, [from, to]) => l.replace(from, to), line.replace(/#.*$/, "").trim()));
}

const operations: Record<string, AclOperationTypes> = {
  All: AclOperationTypes.ALL,
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Create: AclOperationTypes.CREATE,
  Delete: AclOperationTypes.DELETE,
  Alter: AclOperationTypes.ALTER,
  Describe: AclOperationTypes.DESCRIBE,
  DescribeConfigs: AclOperationTypes.DESCRIBE_CONFIGS,
  AlterConfigs: AclOperationTypes.ALTER_CONFIGS,
  IdempotentWrite: AclOperationTypes.IDEMPOTENT_WRITE,
};

/**
 * The ACL bindings one `kafka-acls.sh --add` line means (every operation on every resource named),
 * read the way AclCommand reads its options; an option it would not take fails here too.
 */
export function aclEntries(line: string): AclEntry[] {
  const words = line.split(/\s+/).slice(1);
  const principals: string[] = [];
  const ops: AclOperationTypes[] = [];
  const resources: [AclResourceTypes, string][] = [];
  let pattern = ResourcePatternTypes.LITERAL;
  for (let i = 0; i < words.length; i++) {
    const [word, value] = [words[i], words[i + 1] ?? ""];
    if (word === "--allow-principal") principals.push(value);
    else if (word === "--operation") ops.push(operations[value] ?? fail(`operation ${value}`, line));
    else if (word === "--topic") resources.push([AclResourceTypes.TOPIC, value]);
    else if (word === "--group") resources.push([AclResourceTypes.GROUP, value]);
    else if (word === "--cluster") resources.push([AclResourceTypes.CLUSTER, "kafka-cluster"]);
    else if (word === "--resource-pattern-type" && value === "prefixed")
      pattern = ResourcePatternTypes.PREFIXED;
    else fail(`option ${word} ${value}`, line);
    if (word !== "--cluster") i++;
  }
  if (principals.length === 0 || ops.length === 0 || resources.length === 0) fail("an incomplete ACL", line);
  return principals.flatMap((principal) =>
    resources.flatMap(([resourceType, resourceName]) =>
      ops.map((operation) => ({
        principal,
        host: "*",
        operation,
        permissionType: AclPermissionTypes.ALLOW,
        resourceType,
        resourceName,
        resourcePatternType: pattern,
      })),
    ),
  );
}

function fail(what: string, line: string): never {
  throw new Error(`README ACL line: unexpected ${what} in: ${line}`);
}

/**
 * What an operator does where the apps may not create topics: the run's topics created as admin, then
 * the README's ACLs for the service users. Returns every ACL granted, to remove some later.
 */
export async function grantReadmeAcls(
  stack: SecureStack,
  names: RunNames,
  dlq: { ingest: string; indexer: string },
): Promise<AclEntry[]> {
  const kafka = adminKafka(stack);
  await ensureTopics(kafka, [
    { topic: names.topics.recentchange, partitions: 3 },
    { topic: dlq.ingest, partitions: 1 },
    { topic: dlq.indexer, partitions: 3 },
  ]);
  const acl = readmeAclLines(names, dlq).flatMap(aclEntries);
  await changeAcls(stack, { add: acl });
  return acl;
}

/** Adds and removes ACLs as admin (removing exactly the bindings given, nothing broader). */
export async function changeAcls(
  stack: SecureStack,
  change: { add?: AclEntry[]; remove?: AclEntry[] },
): Promise<void> {
  const admin = adminKafka(stack).admin();
  await admin.connect();
  try {
    if (change.add?.length) await admin.createAcls({ acl: change.add });
    if (change.remove?.length) await admin.deleteAcls({ filters: change.remove });
  } finally {
    await admin.disconnect();
  }
}

/** The granted bindings of `principal` on `resourceName` (optionally one operation). */
export function aclsOf(
  acl: readonly AclEntry[],
  principal: string,
  resourceName: string,
  operation?: AclOperationTypes,
): AclEntry[] {
  return acl.filter(
    (a) =>
      a.principal === principal &&
      a.resourceName === resourceName &&
      (operation === undefined || a.operation === operation),
  );
}
