import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Admin, Kafka } from "kafkajs";

/**
 * The local stack's optional second broker (`stack.sh up kafka2`, node id 2). A topic whose only
 * replica lives there has no leader while that broker is down: the real state of a partition during a
 * broker restart or right after a topic is created, which start-up must wait out rather than exit on.
 */
const stackScript = fileURLToPath(new URL("../../deploy/local/stack.sh", import.meta.url));
const run = promisify(execFile);
export const secondBrokerId = 2;

async function stack(command: "up" | "down"): Promise<void> {
  await run("bash", [stackScript, command, "kafka2"], { timeout: 120_000 });
}

export const startSecondBroker = () => stack("up");
export const stopSecondBroker = () => stack("down");

/** Creates topics whose every partition has the second broker as its only replica. */
export async function createTopicsOnSecondBroker(
  kafka: Kafka,
  topics: readonly { topic: string; partitions: number }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map(({ topic, partitions }) => ({
        topic,
        replicaAssignment: Array.from({ length: partitions }, (_, partition) => ({
          partition,
          replicas: [secondBrokerId],
        })),
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** kafkajs rejects the metadata of a topic with a partition that has no leader: that is the sign. */
async function leaderless(admin: Admin, topic: string): Promise<boolean> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics.every((t) => t.partitions.every((p) => p.leader < 0));
  } catch (error) {
    if ((error as { type?: string }).type === "LEADER_NOT_AVAILABLE") return true;
    const cause = (error as { cause?: { type?: string } }).cause;
    if (cause?.type === "LEADER_NOT_AVAILABLE") return true;
    throw error;
  }
}

/** Resolves once every partition of the topics has no leader (the broker's leave was seen). */
export async function waitUntilLeaderless(kafka: Kafka, topics: readonly string[], timeoutMs = 30_000) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(topics.map((topic) => leaderless(admin, topic)));
      if (states.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`partitions of ${topics.join(", ")} still have leaders`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
