// The pipeline on the secure stack (SASL_SSL Kafka with SCRAM, OpenSearch behind nginx with TLS and
// basic auth): the real ingest and indexer processes, secrets only as *_FILE, real recordings replayed.
// - End to end: every distinct meta.id becomes exactly one document, nothing is dead-lettered, and no
//   password (nor its user:password or base64 forms) is in any log line or ops endpoint answer.
// - Start-up: a wrong password or CA gives one line naming the variable, and exit 1.
// - Run time: a password rotated under the running apps makes them not ready with a metric naming the
//   cause, dead-letters nothing, and they recover without a restart once it is restored.
// One stack for all three (its start is the expensive part); the broker ends SASL sessions after 20 s
// unless re-authenticated (WIKISTREAM_KAFKA_REAUTH_MS), so a rotation reaches open connections.
import { startReplayServer } from "@wikistream/replay";
import { type SecureStack, sampleSum, uniqueNames } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopProcess, waitUntil } from "./monitoring/processes.ts";
import { type LoggedApp, leaks, secretForms } from "./secure/apps.ts";
import { monthRecording, paced, pipelineEnv } from "./secure/pipeline.ts";
import { expectRefusal, otherCaFile, wrongPasswordFile } from "./secure/refusals.ts";
import { documentCount, endpoints, exactlyOnce, runFigures, startApps } from "./secure/run.ts";
import {
  passwordOf,
  setKafkaPassword,
  setOpenSearchPassword,
  startWholeSecureStack,
} from "./secure/stack.ts";

let stack: SecureStack;
const started: LoggedApp[] = [];
beforeAll(async () => {
  stack = await startWholeSecureStack(62_092, { WIKISTREAM_KAFKA_REAUTH_MS: "20000" });
}, 360_000);
afterAll(async () => {
  for (const app of started) await stopProcess(app, 5000);
  await stack?.stop();
}, 120_000);

const secrets = () => [
  ...secretForms("wikistream", passwordOf(stack, "kafka")),
  ...secretForms("wikistream", passwordOf(stack, "opensearch")),
  ...secretForms("admin", passwordOf(stack, "kafka-admin")),
];

describe("end to end on the secure stack", () => {
  it("indexes every distinct meta.id exactly once, dead-letters nothing, and never shows a secret", async () => {
    const { events, expected } = await monthRecording();
    const replay = await startReplayServer({ events });
    const names = uniqueNames("h5s");
    const env = pipelineEnv(stack, names, `${replay.url}/v2/stream`);
    const t0 = Date.now();
    try {
      const apps = await startApps(env);
      started.push(...apps);
      await waitUntil(
        async () => {
          for (const app of apps) for (const path of endpoints) await app.get(path);
          return (await documentCount(stack, names.indexPrefix)) >= expected.size;
        },
        { timeoutMs: 240_000, what: `${expected.size} documents`, processes: apps },
      );
      const seconds = (Date.now() - t0) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 3000)); // a late duplicate has time to show
      const figures = await runFigures(stack, apps, {
        indexPrefix: names.indexPrefix,
        topic: names.topics.recentchange,
        dlqTopics: [env.dlq.ingest, env.dlq.indexer],
        expected,
      });
      console.log(`secure e2e: ${JSON.stringify({ events: events.length, ...figures, seconds })}`);
      expect(figures).toMatchObject(exactlyOnce(expected.size));
      for (const app of apps) for (const path of endpoints) await app.get(path);
      for (const app of apps) await stopProcess(app, 45_000);
      expect(apps.map((app) => app.child.exitCode)).toEqual([0, 0]);

      const texts = apps.flatMap((app) => [...app.lines, ...app.answers]);
      console.log(
        `secure e2e: ${apps.map((a) => `${a.name} ${a.lines.length} log lines, ${a.answers.length} answers`).join("; ")} checked`,
      );
      expect(texts.length).toBeGreaterThan(50);
      expect(leaks(texts, secrets())).toEqual([]);
    } finally {
      await replay.close();
    }
  }, 420_000);
});

describe("start-up refusals of the real processes on the secure stack", () => {
  const base = () => pipelineEnv(stack, uniqueNames("h5s"), "http://127.0.0.1:9/v2/stream");
  const kafkaFix = /check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/;

  it("ingest: a wrong Kafka password names KAFKA_SASL_PASSWORD, a wrong CA KAFKA_SSL_CA_FILE", async () => {
    await expectRefusal(
      stack,
      "ingest",
      { ...base().ingest, KAFKA_SASL_PASSWORD_FILE: wrongPasswordFile(stack) },
      kafkaFix,
    );
    await expectRefusal(
      stack,
      "ingest",
      { ...base().ingest, KAFKA_SSL_CA_FILE: await otherCaFile(stack) },
      /set KAFKA_SSL_CA_FILE/,
    );
  }, 180_000);

  it("indexer: the same for Kafka; OPENSEARCH_PASSWORD, OPENSEARCH_SSL_CA_FILE, an https URL of a plaintext node within 15 s", async () => {
    const env = base().indexer;
    await expectRefusal(
      stack,
      "indexer",
      { ...env, KAFKA_SASL_PASSWORD_FILE: wrongPasswordFile(stack) },
      kafkaFix,
    );
    // Configuration faults: exit at the first answer, long before INDEXER_STARTUP_TIMEOUT_MS (60 s).
    const patient = { ...env, INDEXER_STARTUP_TIMEOUT_MS: "60000" };
    await expectRefusal(
      stack,
      "indexer",
      { ...patient, OPENSEARCH_PASSWORD_FILE: wrongPasswordFile(stack) },
      /check OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD/i,
      15_000,
    );
    await expectRefusal(
      stack,
      "indexer",
      { ...patient, OPENSEARCH_SSL_CA_FILE: await otherCaFile(stack) },
      /set OPENSEARCH_SSL_CA_FILE/,
      15_000,
    );
    // https:// to the node's own plaintext port (the proxy's + 1, see securePorts).
    const plain = new URL(stack.env.OPENSEARCH_URL ?? "");
    plain.port = String(Number(plain.port) + 1);
    await expectRefusal(
      stack,
      "indexer",
      { ...patient, OPENSEARCH_URL: plain.toString() },
      /did not answer TLS: use http:\/\/ for a plaintext node/,
      15_000,
    );
  }, 300_000);
});

// One scenario, longer than a screen on purpose: the two rotations happen under the same running
// processes (that they recover without a restart is the point), and the exactly-once check at the end
// covers the whole run, both outages included.
describe("credentials rotated under the running pipeline", () => {
  it("not ready with the cause in a metric, nothing dead-lettered, recovered without a restart", async () => {
    const { events, expected } = paced((await monthRecording()).events, 2000, 15);
    const replay = await startReplayServer({ events, pace: "original" });
    const names = uniqueNames("h5r");
    const env = pipelineEnv(stack, names, `${replay.url}/v2/stream`);
    Object.assign(env.indexer, { INDEXER_RETRY_MAX_MS: "5000" });
    const originals = { kafka: passwordOf(stack, "kafka"), opensearch: passwordOf(stack, "opensearch") };
    try {
      const apps = await startApps(env);
      started.push(...apps);
      const [ingest, indexer] = apps as [LoggedApp, LoggedApp];
      const pids = apps.map((app) => app.child.pid);
      const readiness = async (app: LoggedApp) => (await app.get("/readyz")).status;
      const metric = async (app: LoggedApp, name: string, labels: Record<string, string>) =>
        sampleSum((await app.get("/metrics")).body, name, labels);
      const until = (what: string, check: () => Promise<boolean>, timeoutMs = 90_000) =>
        waitUntil(check, { timeoutMs, what, processes: apps });
      const timed = async (what: string, check: () => Promise<boolean>) => {
        const t0 = Date.now();
        await until(what, check);
        return (Date.now() - t0) / 1000;
      };
      await until("documents", async () => (await documentCount(stack, names.indexPrefix)) > 100);

      // OpenSearch: nginx's htpasswd changed and reloaded.
      await setOpenSearchPassword(stack, "rotated-opensearch-password");
      const osRefused = await timed("indexer not ready", async () => (await readiness(indexer)) === 503);
      const osFailures = await metric(indexer, "wikistream_indexer_auth_failures_total", {
        target: "opensearch",
        cause: "unauthorized",
      });
      const ingestDuringOs = await readiness(ingest);
      await setOpenSearchPassword(stack, originals.opensearch);
      const osRecovered = await timed("indexer ready again", async () => (await readiness(indexer)) === 200);

      // Kafka: the SCRAM credential changed on the broker (kafka-configs --alter --add-config).
      await setKafkaPassword(stack, "rotated-kafka-password");
      const kafkaRefused = await timed(
        "both not ready",
        async () => (await readiness(ingest)) === 503 && (await readiness(indexer)) === 503,
      );
      const ingestBlocked = await metric(ingest, "wikistream_ingest_produce_blocked", {
        code: "SASL_AUTHENTICATION_FAILED",
      });
      const kafkaFailures = await metric(indexer, "wikistream_indexer_auth_failures_total", {
        target: "kafka",
      });
      await setKafkaPassword(stack, originals.kafka);
      const kafkaRecovered = await timed(
        "both ready again",
        async () => (await readiness(ingest)) === 200 && (await readiness(indexer)) === 200,
      );
      const figures = {
        osRefused,
        osFailures,
        ingestDuringOs,
        osRecovered,
        kafkaRefused,
        ingestBlocked,
        kafkaFailures,
        kafkaRecovered,
      };
      console.log(`secure rotation: ${JSON.stringify(figures)}`);
      expect(figures).toMatchObject({ ingestDuringOs: 200, ingestBlocked: 1 });
      expect(Math.min(osFailures, kafkaFailures)).toBeGreaterThan(0);
      expect(apps.map((app) => app.child.pid)).toEqual(pids);

      await until(
        `${expected.size} documents`,
        async () => (await documentCount(stack, names.indexPrefix)) >= expected.size,
        240_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const run = await runFigures(stack, apps, {
        indexPrefix: names.indexPrefix,
        topic: names.topics.recentchange,
        dlqTopics: [env.dlq.ingest, env.dlq.indexer],
        expected,
      });
      console.log(`secure rotation run: ${JSON.stringify(run)}`);
      expect(run).toMatchObject(exactlyOnce(expected.size));
      for (const app of apps) await stopProcess(app, 45_000);
      expect(apps.map((app) => app.child.exitCode)).toEqual([0, 0]);
      const texts = apps.flatMap((app) => [...app.lines, ...app.answers]);
      expect(leaks(texts, [...secrets(), "rotated-kafka-password", "rotated-opensearch-password"])).toEqual(
        [],
      );
    } finally {
      await setKafkaPassword(stack, originals.kafka).catch(() => undefined);
      await setOpenSearchPassword(stack, originals.opensearch).catch(() => undefined);
      await replay.close();
    }
  }, 600_000);
});
