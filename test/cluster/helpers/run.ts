import { type ReplayServer, startReplayServer } from "@wikistream/replay";
import { type RunNames, uniqueNames, waitFor } from "@wikistream/testkit";
import { cluster } from "./cluster.ts";
import { KafkaState } from "./kafka-state.ts";
import { OpenSearchState } from "./opensearch-state.ts";
import { type PacedRecording, pacedRecording } from "./paced.ts";
import { type Pipeline, running, startPipeline, stopPipeline } from "./pipeline.ts";
import { Sampler, streamEndedAt } from "./progress.ts";
import { judge, type Verdict } from "./verdict.ts";

export interface RunOptions {
  /** Copies of the one-month capture (2,673 real events each), every copy with fresh meta.ids. */
  copies: number;
  perSecond: number;
}

export interface Outcome extends Verdict {
  /** Records in the two stream topics; beyond `expected` they are duplicates in Kafka. */
  kafkaRecords: number;
  deadLetters: number;
  /** Both processes were still running when the stream had been indexed. */
  bothRunning: boolean;
  exitCodes: (number | string | null)[];
  /** From the first event replayed to the last document searchable. */
  wallMs: number;
  /** Not every expected document was searchable in time. */
  timedOut: boolean;
  /**
   * Records the indexer's group had not committed when the pipeline was stopped: 0 once it caught up.
   * SIGTERM is sent only after that (or a deadline), so a clean exit 0 is what the test can demand.
   */
  lagAtStop: number;
}

/**
 * One replay through the real ingest and indexer processes on the cluster, with unique topics, group
 * and indices, and a sampler of what is published and indexed, for a test to put a fault into.
 */
export class FaultRun {
  readonly names: RunNames;
  readonly recording: PacedRecording;
  readonly kafka: KafkaState;
  readonly opensearch: OpenSearchState;
  readonly sampler: Sampler;
  readonly startedAt: number;
  readonly #replay: ReplayServer;
  readonly #pipeline: Pipeline;

  private constructor(recording: PacedRecording, replay: ReplayServer, kafka: KafkaState) {
    this.names = uniqueNames("wsc");
    this.recording = recording;
    this.kafka = kafka;
    this.#replay = replay;
    // The indexer is given every node; the test's own reads use the first, which the node fault spares.
    const node = cluster.opensearchNodes[0] ?? "";
    this.opensearch = new OpenSearchState(node, this.names.indexPrefix);
    this.#pipeline = startPipeline(this.names, `${replay.url}/v2/stream`, cluster.opensearchNodes);
    this.startedAt = Date.now();
    this.sampler = new Sampler({
      sent: () => replay.stats.eventsSent,
      published: () => this.kafka.records(this.#pipeline.streamTopics),
      indexed: () => this.opensearch.count(),
    });
    this.sampler.start();
  }

  static async start(options: RunOptions): Promise<FaultRun> {
    const recording = await pacedRecording(options.copies, options.perSecond);
    const replay = await startReplayServer({ events: recording.events, pace: "original" });
    const kafka = new KafkaState();
    await kafka.connect();
    return new FaultRun(recording, replay, kafka);
  }

  get streamTopics(): readonly string[] {
    return this.#pipeline.streamTopics;
  }

  /** The replay has sent every event (ingest may still be publishing the last ones). */
  streamDone(): boolean {
    return this.#replay.stats.eventsSent >= this.recording.events.length;
  }

  bothRunning(): boolean {
    return running(this.#pipeline.ingest) && running(this.#pipeline.indexer);
  }

  /** Waits until at least `records` are in Kafka: the fault then lands mid-stream. */
  async waitForPublished(records: number, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `${records} records published`,
      () => (this.sampler.last?.published ?? 0) >= records,
      timeoutMs,
      200,
    );
  }

  /**
   * Waits until the indexer has indexed `documents`: it is then in its group and consuming, so the
   * fault tests what a running indexer does. (A broker killed while the indexer was still joining cost
   * a 30 s rejoin, the session timeout of the member it had left behind, and no indexing to measure.)
   */
  async waitForIndexed(documents: number, timeoutMs = 90_000): Promise<void> {
    await waitFor(
      `${documents} documents indexed`,
      () => (this.sampler.last?.indexed ?? 0) >= documents,
      timeoutMs,
      200,
    );
  }

  /** When the replay sent its last event (Infinity while it has not). */
  streamEndedAt(): number {
    return streamEndedAt(this.sampler.samples, this.recording.events.length) ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Waits until every expected id is searchable (or `timeoutMs` passes: the figures are then still
   * read and returned, so a failing run reports what was missing), then judges every document.
   */
  async finish(timeoutMs: number): Promise<Outcome> {
    const expected = this.recording.expected.size;
    const timedOut = await waitFor(
      `${expected} documents`,
      () => this.streamDone() && (this.sampler.last?.indexed ?? 0) >= expected,
      timeoutMs,
      500,
    ).then(
      () => false,
      (error: unknown) => {
        console.warn(`${String(error)}; last sample ${JSON.stringify(this.sampler.last)}`);
        return true;
      },
    );
    const wallMs = Date.now() - this.startedAt;
    const lagAtStop = await this.#untilCaughtUp(timeoutMs);
    const bothRunning = this.bothRunning();
    const verdict = judge(this.recording.expected, await this.opensearch.documents());
    const kafkaRecords = await this.kafka.records(this.#pipeline.streamTopics);
    const deadLetters = await this.kafka.records(this.#pipeline.dlqTopics);
    await this.sampler.stop();
    const exitCodes = await stopPipeline(this.#pipeline);
    return { ...verdict, kafkaRecords, deadLetters, bothRunning, exitCodes, wallMs, timedOut, lagAtStop };
  }

  /**
   * Waits until the indexer has committed every record (documents can be searchable while retried
   * bulks of them are still in flight); the lag left when `timeoutMs` passes.
   */
  async #untilCaughtUp(timeoutMs: number): Promise<number> {
    const lag = () => this.kafka.groupLag(this.names.groupId, this.#pipeline.streamTopics);
    let last = Number.NaN;
    await waitFor(
      "the indexer's group committed every record",
      async () => {
        last = await lag();
        return last === 0;
      },
      timeoutMs,
      1_000,
    ).catch((error: unknown) => console.warn(`${String(error)}; lag ${last}`));
    return last;
  }

  logs(): string {
    return [this.#pipeline.ingest.output(), this.#pipeline.indexer.output()]
      .map((o) => o.slice(-6000))
      .join("\n");
  }

  /** Stops whatever is still running and deletes the run's topics and indices. */
  async close(): Promise<void> {
    await this.sampler.stop();
    await stopPipeline(this.#pipeline);
    await this.#replay.close();
    await this.opensearch
      .deleteIndices()
      .catch((error: unknown) => console.warn(`cleanup: ${String(error)}`));
    await this.kafka
      .deleteTopics(this.names.topicPrefix)
      .catch((error: unknown) => console.warn(`cleanup: ${String(error)}`));
    await this.kafka.disconnect();
  }
}

/** One line of measured figures per test, in the test output and the CI log. */
export function report(test: string, figures: Record<string, number | string | boolean>): void {
  const parts = Object.entries(figures).map(([key, value]) => `${key} ${value}`);
  console.log(`cluster fault test "${test}": ${parts.join(", ")}`);
}
