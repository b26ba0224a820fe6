// deploy/k8s, checked offline: every overlay renders with `kubectl kustomize`, every rendered object
// validates against its schema (kubernetes-models for core objects, KEDA and the Prometheus Operator;
// Strimzi's KafkaTopic by hand, no model package exists), every variable the manifests set is one the
// app's config schema reads, and the scaling limits agree with the partition count. No cluster needed.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { indexerEnvSchema, loadIndexerConfig } from "../apps/indexer/src/index.ts";
import { ingestEnvSchema, loadIngestConfig } from "../apps/ingest/src/index.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const overlaysDir = join(root, "deploy/k8s/overlays");
const overlays = readdirSync(overlaysDir);

// kubectl is installed on the project's machines and CI; elsewhere the checks are skipped with a note.
const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;
if (!kubectl && !process.env.CI) {
  console.warn("k8s-manifests.test.ts: skipping (kubectl not installed; it ships kustomize)");
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface Container {
  name: string;
  command?: string[];
  env?: { name: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
}

interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } };
}

function render(overlay: string): K8sObject[] {
  const result = spawnSync("kubectl", ["kustomize", join(overlaysDir, overlay)], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.status !== 0) {
    throw new Error(`kubectl kustomize ${overlay} failed: ${result.stderr || String(result.error)}`);
  }
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${overlay}: unparseable output: ${doc.errors[0]?.message}`);
    return doc.toJS() as K8sObject;
  });
}

/** Where each API group's models live; the module path is `<package>/<group/version>/<Kind>`. */
const modelPackages: Record<string, string> = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

type ModelClass = new (data: unknown) => { validate(): void };

async function modelFor(object: K8sObject): Promise<ModelClass> {
  const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
  const pkg = modelPackages[group ?? ""] ?? "kubernetes-models";
  const module = (await import(`${pkg}/${object.apiVersion}/${object.kind}`)) as Record<string, ModelClass>;
  const model = module[object.kind];
  if (model === undefined) throw new Error(`${pkg} has no model for ${object.apiVersion} ${object.kind}`);
  return model;
}

/** Strimzi's KafkaTopic (kafka.strimzi.io/v1beta2): the fields its CRD requires and bounds. */
function kafkaTopicProblems(topic: K8sObject): string[] {
  const spec = (topic.spec ?? {}) as { topicName?: unknown; partitions?: unknown; replicas?: unknown };
  const labels = (topic.metadata as { labels?: Record<string, string> }).labels ?? {};
  const problems: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(topic.metadata.name)) problems.push("name: not DNS-1123");
  if (!labels["strimzi.io/cluster"]) problems.push("labels: strimzi.io/cluster missing");
  if (typeof spec.topicName !== "string" || !/^[a-zA-Z0-9._-]{1,249}$/.test(spec.topicName))
    problems.push(`topicName: ${String(spec.topicName)}`);
  if (!Number.isInteger(spec.partitions) || (spec.partitions as number) < 1) problems.push("partitions");
  const replicas = spec.replicas as number;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 32767) problems.push("replicas");
  return problems;
}

const schemaOf = { ingest: ingestEnvSchema, indexer: indexerEnvSchema } as const;

function podTemplate(object: K8sObject): PodTemplate {
  return (object.spec as { template: PodTemplate }).template;
}

function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

/** Every variable a container gets: its env entries and the keys of the ConfigMaps/Secrets it loads. */
function envNames(container: Container, objects: K8sObject[]): string[] {
  const fromRefs = (container.envFrom ?? []).flatMap((source) => {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? "ConfigMap" : "Secret";
    const target = byKind(objects, kind).find((object) => object.metadata.name === ref?.name);
    if (target === undefined) throw new Error(`${container.name}: envFrom ${kind} ${ref?.name} not rendered`);
    return Object.keys(target.data ?? {});
  });
  return [...(container.env ?? []).map((entry) => entry.name), ...fromRefs];
}

function configOf(objects: K8sObject[], app: "ingest" | "indexer"): Record<string, string> {
  const configMap = byKind(objects, "ConfigMap").find((object) =>
    object.metadata.name.startsWith(`wikistream-${app}-`),
  );
  return configMap?.data ?? {};
}

describe.skipIf(!kubectl && !process.env.CI).each(overlays)("deploy/k8s/overlays/%s", (overlay) => {
  // Vitest collects a skipped suite too: render only when kubectl can.
  const objects = kubectl ? render(overlay) : [];
  const deployments = byKind(objects, "Deployment");

  it("renders both apps", () => {
    expect(deployments.map((object) => object.metadata.name).sort()).toEqual([
      "wikistream-indexer",
      "wikistream-ingest",
    ]);
  });

  it("validates every object against its schema", async () => {
    const problems: string[] = [];
    for (const object of objects) {
      const where = `${object.kind} ${object.metadata.name}`;
      if (object.apiVersion === "kafka.strimzi.io/v1beta2" && object.kind === "KafkaTopic") {
        problems.push(...kafkaTopicProblems(object).map((problem) => `${where}: ${problem}`));
        continue;
      }
      try {
        new (await modelFor(object))(object).validate();
      } catch (error) {
        problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("sets only variables the apps' config schemas read", () => {
    for (const deployment of deployments) {
      for (const container of podTemplate(deployment).spec.containers) {
        const schema = schemaOf[container.name as keyof typeof schemaOf];
        expect(schema, `container ${container.name}: which app?`).toBeDefined();
        const known = Object.keys(schema.shape);
        const unknown = envNames(container, objects).filter((name) => !known.includes(name));
        expect(unknown, `${deployment.metadata.name}/${container.name}`).toEqual([]);
      }
    }
  });

  it("gives each app a configuration its config loader accepts", () => {
    // Values too, not only names: the loaders' cross-checks (topics vs prefix, DLQ topic, URLs).
    expect(() => loadIngestConfig(configOf(objects, "ingest"))).not.toThrow();
    expect(() => loadIndexerConfig(configOf(objects, "indexer"))).not.toThrow();
  });

  it("runs ingest as a singleton replaced with Recreate", () => {
    const ingest = deployments.find((object) => object.metadata.name === "wikistream-ingest");
    expect(ingest?.spec).toMatchObject({ replicas: 1, strategy: { type: "Recreate" } });
    expect(byKind(objects, "ScaledObject").map((object) => object.spec?.scaleTargetRef)).not.toContainEqual(
      expect.objectContaining({ name: "wikistream-ingest" }),
    );
  });

  it("gives every container probes, requests and limits, and no root", () => {
    for (const deployment of deployments) {
      const template = podTemplate(deployment);
      expect(template.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(template.metadata?.annotations?.["prometheus.io/scrape"]).toBe("true");
      for (const container of template.spec.containers) {
        const where = `${deployment.metadata.name}/${container.name}`;
        expect(container.livenessProbe?.httpGet?.path, where).toBe("/healthz");
        expect(container.readinessProbe?.httpGet?.path, where).toBe("/readyz");
        for (const part of ["requests", "limits"] as const) {
          expect(Object.keys(container.resources?.[part] ?? {}).sort(), `${where} ${part}`).toEqual([
            "cpu",
            "memory",
          ]);
        }
        expect(container.securityContext, where).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        });
      }
    }
  });

  it("scales the indexer on its group's lag, at most to the partition count", () => {
    const indexer = configOf(objects, "indexer");
    const ingest = configOf(objects, "ingest");
    const partitions = Number(
      ingest.INGEST_TOPIC_PARTITIONS ?? ingestEnvSchema.shape.INGEST_TOPIC_PARTITIONS.parse(undefined),
    );
    for (const scaled of byKind(objects, "ScaledObject")) {
      const spec = scaled.spec as {
        maxReplicaCount: number;
        minReplicaCount: number;
        triggers: { type: string; metadata: Record<string, string> }[];
      };
      expect(spec.maxReplicaCount).toBeLessThanOrEqual(partitions);
      expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(spec.triggers).toEqual([
        expect.objectContaining({
          type: "kafka",
          metadata: expect.objectContaining({
            bootstrapServers: indexer.KAFKA_BROKERS,
            consumerGroup: indexer.INDEXER_GROUP_ID,
            allowIdleConsumers: "false",
          }),
        }),
      ]);
    }
    expect(indexer.KAFKA_BROKERS).toBe(ingest.KAFKA_BROKERS);
  });

  it("declares topics with replication factor 3 and min ISR 2, where Strimzi is used", () => {
    for (const topic of byKind(objects, "KafkaTopic")) {
      expect(topic.spec, topic.metadata.name).toMatchObject({
        replicas: 3,
        config: { "min.insync.replicas": 2 },
      });
    }
  });
});

it.runIf(process.env.CI)("has kubectl installed (CI)", () => {
  expect(kubectl, "kubectl on PATH (it renders the overlays)").toBe(true);
});

it("has the overlays the README names", () => {
  expect(overlays.sort()).toEqual(["local", "production", "production-strimzi"]);
});
