// Kafka ACLs on the secure stack (StandardAuthorizer: no ACL, no access): the real ingest and indexer
// processes as their own service users (wikistream-ingest, wikistream-indexer), granted exactly the
// README's kafka-acls lines ("Topics and ACLs where the apps may not create topics") on topics an
// operator created first.
// - Start-up: one ACL missing gives one line naming the principal, the topic or group and the
//   kafka-acls.sh command that grants it, and exit 1 (Write: at the first send, before any record).
// - Run time: an ACL removed under the running apps (kafka-acls.sh --remove) makes them not ready, alive
//   on /healthz, counted in auth_failures_total{cause="authorization"}; restored, they are ready again
//   without a restart, every event exactly once and nothing dead-lettered.
// Its own stack, not secure-e2e's: that file's scenarios run as the all-powerful client user.
import { startReplayServer } from "@wikistream/replay";
import { type SecureStack, sampleSum, uniqueNames } from "@wikistream/testkit";
import { AclOperationTypes, AclResourceTypes } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopProcess, waitUntil } from "./monitoring/processes.ts";
import { aclsOf, asServiceUser, changeAcls, grantReadmeAcls } from "./secure/acls.ts";
import type { LoggedApp } from "./secure/apps.ts";
import { monthRecording, paced, pipelineEnv } from "./secure/pipeline.ts";
import { expectRefusal } from "./secure/refusals.ts";
import { documentCount, exactlyOnce, runFigures, startApps } from "./secure/run.ts";
import { kafkaAcls, startWholeSecureStack } from "./secure/stack.ts";

let stack: SecureStack;
const started: LoggedApp[] = [];
beforeAll(async () => {
  stack = await startWholeSecureStack(63_442);
}, 360_000);
afterAll(async () => {
  for (const app of started) await stopProcess(app, 5000);
  await stack?.stop();
}, 120_000);

/** Both apps' variables for one run, as their service users. */
function serviceEnv(names: ReturnType<typeof uniqueNames>, streamUrl: string) {
  const env = pipelineEnv(stack, names, streamUrl);
  Object.assign(env.ingest, asServiceUser(stack, "ingest"));
  Object.assign(env.indexer, asServiceUser(stack, "indexer"), { INDEXER_RETRY_MAX_MS: "5000" });
  return env;
}

describe("a missing ACL at start", () => {
  it("names the principal, the topic or group and the kafka-acls.sh fix; exit 1", async () => {
    const names = uniqueNames("h1a");
    const env = serviceEnv(names, "http://127.0.0.1:9/v2/stream");
    const acl = await grantReadmeAcls(stack, names, env.dlq);
    // The indexer without Read on its consumer group (INDEXER_GROUP_ID).
    await changeAcls(stack, { remove: aclsOf(acl, "User:wikistream-indexer", names.groupId) });
    const group = names.groupId;
    await expectRefusal(
      stack,
      "indexer",
      env.indexer,
      new RegExp(
        `group ${group} \\(INDEXER_GROUP_ID\\).*GROUP_AUTHORIZATION_FAILED.*--allow-principal User:wikistream-indexer --operation Read --group ${group}`,
      ),
    );
    // Ingest without any ACL on its stream topic.
    const topic = names.topics.recentchange;
    await changeAcls(stack, { remove: aclsOf(acl, "User:wikistream-ingest", topic) });
    await expectRefusal(
      stack,
      "ingest",
      env.ingest,
      new RegExp(
        `TOPIC_AUTHORIZATION_FAILED, topic ${topic.replaceAll(".", "\\.")}.*--allow-principal User:wikistream-ingest --operation Describe --topic`,
      ),
    );
    // Ingest that may describe and read its topic but not write it: refused at the first send.
    const readOnly = aclsOf(acl, "User:wikistream-ingest", topic).filter(
      (a) => a.operation !== AclOperationTypes.WRITE,
    );
    await changeAcls(stack, { add: readOnly });
    const replay = await startReplayServer({ events: (await monthRecording()).events.slice(0, 50) });
    try {
      await expectRefusal(
        stack,
        "ingest",
        { ...env.ingest, INGEST_STREAM_URL: `${replay.url}/v2/stream`, INGEST_DRAIN_TIMEOUT_MS: "2000" },
        new RegExp(
          `refused ingest's first records \\(TOPIC_AUTHORIZATION_FAILED.*--allow-principal User:wikistream-ingest --operation Write --topic ${topic.replaceAll(".", "\\.")}`,
        ),
      );
    } finally {
      await replay.close();
    }
  }, 240_000);
});

// One scenario: the removal and the restore happen under the same running processes (that they
// recover without a restart is the point), and the exactly-once check covers the whole run.
describe("an ACL removed under the running pipeline", () => {
  it("not ready but alive, counted by cause, nothing dead-lettered, recovered without a restart", async () => {
    const { events, expected } = paced((await monthRecording()).events, 1500, 15);
    const replay = await startReplayServer({ events, pace: "original" });
    const names = uniqueNames("h1r");
    const env = serviceEnv(names, `${replay.url}/v2/stream`);
    const topic = names.topics.recentchange;
    const acl = await grantReadmeAcls(stack, names, env.dlq);
    expect(acl.some((a) => a.resourceType === AclResourceTypes.TOPIC && a.resourceName === topic)).toBe(true);
    try {
      const apps = await startApps(env);
      started.push(...apps);
      const [ingest, indexer] = apps as [LoggedApp, LoggedApp];
      const pids = apps.map((app) => app.child.pid);
      const status = async (app: LoggedApp, path: "/readyz" | "/healthz") => (await app.get(path)).status;
      const metric = async (app: LoggedApp, name: string, labels: Record<string, string>) =>
        sampleSum((await app.get("/metrics")).body, name, labels);
      const timed = async (what: string, check: () => Promise<boolean>) => {
        const t0 = Date.now();
        await waitUntil(check, { timeoutMs: 90_000, what, processes: apps });
        return (Date.now() - t0) / 1000;
      };
      await timed("documents", async () => (await documentCount(stack, names.indexPrefix)) > 100);

      // What an operator's mistake looks like: Kafka's own tool, one binding each.
      const ingestWrite = [
        "--allow-principal",
        "User:wikistream-ingest",
        "--operation",
        "Write",
        "--topic",
        topic,
      ];
      const indexerRead = [
        "--allow-principal",
        "User:wikistream-indexer",
        "--operation",
        "Read",
        "--topic",
        topic,
      ];
      await kafkaAcls(stack, ["--remove", "--force", ...ingestWrite]);
      await kafkaAcls(stack, ["--remove", "--force", ...indexerRead]);
      const refused = await timed(
        "both not ready",
        async () => (await status(ingest, "/readyz")) === 503 && (await status(indexer, "/readyz")) === 503,
      );
      const kafkaRefusal = { target: "kafka", cause: "authorization" };
      await timed("both counted", async () => {
        const counted = await Promise.all([
          metric(ingest, "wikistream_ingest_auth_failures_total", kafkaRefusal),
          metric(indexer, "wikistream_indexer_auth_failures_total", kafkaRefusal),
        ]);
        return counted.every((n) => n > 0);
      });
      const during = {
        healthz: [await status(ingest, "/healthz"), await status(indexer, "/healthz")],
        readyz: [await status(ingest, "/readyz"), await status(indexer, "/readyz")],
        ingestBlocked: await metric(ingest, "wikistream_ingest_produce_blocked", {
          code: "TOPIC_AUTHORIZATION_FAILED",
        }),
        ingestRefused: await metric(ingest, "wikistream_ingest_auth_failures_total", kafkaRefusal),
        indexerRefused: await metric(indexer, "wikistream_indexer_auth_failures_total", kafkaRefusal),
      };
      await kafkaAcls(stack, ["--add", ...ingestWrite]);
      await kafkaAcls(stack, ["--add", ...indexerRead]);
      const recovered = await timed(
        "both ready again",
        async () => (await status(ingest, "/readyz")) === 200 && (await status(indexer, "/readyz")) === 200,
      );
      console.log(`secure ACL removed: ${JSON.stringify({ refused, ...during, recovered })}`);
      expect(during).toMatchObject({ healthz: [200, 200], readyz: [503, 503], ingestBlocked: 1 });

      // The indexer's group ACL: kafkajs ends the consumer with "Failed to find group coordinator", a
      // crash that used to end the indexer; patched kafkajs keeps the broker's GROUP_AUTHORIZATION_FAILED
      // as its cause, so it is counted as a refusal. Not ready, alive and counting through the restarts.
      const groupBefore = await metric(indexer, "wikistream_indexer_auth_failures_total", kafkaRefusal);
      const group = [
        "--allow-principal",
        "User:wikistream-indexer",
        "--operation",
        "Read",
        "--group",
        names.groupId,
      ];
      await kafkaAcls(stack, ["--remove", "--force", ...group]);
      const groupRefused = await timed(
        "indexer not ready",
        async () => (await status(indexer, "/readyz")) === 503,
      );
      await timed(
        "the refused group counted",
        async () =>
          (await metric(indexer, "wikistream_indexer_auth_failures_total", kafkaRefusal)) > groupBefore,
      );
      const groupDuring = {
        healthz: await status(indexer, "/healthz"),
        readyz: await status(indexer, "/readyz"),
      };
      await kafkaAcls(stack, ["--add", ...group]);
      const groupRecovered = await timed(
        "indexer ready again",
        async () => (await status(indexer, "/readyz")) === 200,
      );
      console.log(
        `secure group ACL removed: ${JSON.stringify({ groupRefused, ...groupDuring, groupRecovered })}`,
      );
      expect(groupDuring).toEqual({ healthz: 200, readyz: 503 });
      expect(apps.map((app) => app.child.pid)).toEqual(pids);

      await waitUntil(async () => (await documentCount(stack, names.indexPrefix)) >= expected.size, {
        timeoutMs: 240_000,
        what: `${expected.size} documents`,
        processes: apps,
      });
      await new Promise((resolve) => setTimeout(resolve, 3000)); // a late duplicate has time to show
      const run = await runFigures(stack, apps, {
        indexPrefix: names.indexPrefix,
        topic,
        dlqTopics: [env.dlq.ingest, env.dlq.indexer],
        expected,
      });
      console.log(`secure ACL run: ${JSON.stringify(run)}`);
      expect(run).toMatchObject(exactlyOnce(expected.size));
      for (const app of apps) await stopProcess(app, 45_000);
      expect(apps.map((app) => app.child.exitCode)).toEqual([0, 0]);
    } finally {
      await replay.close();
    }
  }, 600_000);
});
