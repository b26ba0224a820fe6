import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ReplayServer, recordingPath, startReplayServer } from "@wikistream/replay";
import { deleteKafkaResources, deleteOpenSearchResources } from "./cleanup.ts";
import { freePort, type Spawned, startProcess, stopProcess, waitUntil } from "./processes.ts";
import { query, writeLocalConfig } from "./prometheus.ts";

/** The WIKISTREAM_REVISION both apps get, as an image build would set it. */
export const revision = "monitoring-test";

export interface LivePipeline {
  readonly prometheusUrl: string;
  /** False in a checkout without the indexer app. */
  readonly withIndexer: boolean;
  stop(): Promise<void>;
}

/**
 * A real ingest and indexer fed by the replay server (their own topics, group and indices), scraped by
 * a real Prometheus that runs deploy/prometheus/prometheus.local.yml and alerts.yml; resolves once
 * Prometheus shows events published and documents indexed.
 */
export async function startLivePipeline(options: {
  root: string;
  prometheusBin: string;
  brokers: string[];
  opensearchUrl: string;
}): Promise<LivePipeline> {
  const { root, brokers, opensearchUrl } = options;
  const id = randomUUID().slice(0, 8);
  const topicPrefix = `mon-${id}.`;
  const topic = `${topicPrefix}mediawiki.recentchange`;
  const indexPrefix = `mon-${id}`;
  const groupId = `mon-${id}-indexer`;
  const withIndexer = existsSync(join(root, "apps/indexer/src/main.ts"));
  const dir = mkdtempSync(join(tmpdir(), "wikistream-monitoring-"));
  const processes: Spawned[] = [];
  let replay: ReplayServer | undefined;
  const stop = async () => {
    await Promise.all(processes.map((p) => stopProcess(p)));
    await replay?.close();
    rmSync(dir, { recursive: true, force: true });
    await deleteKafkaResources(
      brokers,
      [topic, `${topicPrefix}ingest.dlq`, `${topicPrefix}indexer.dlq`],
      groupId,
    );
    await deleteOpenSearchResources(opensearchUrl, indexPrefix);
  };
  try {
    // Looping at 20x the recorded pace: a steady few events a second for as long as the test runs.
    replay = await startReplayServer({
      files: [recordingPath("recentchange-enwiki-2023-07.ndjson")],
      pace: 20,
      loop: true,
    });
    const [ingestPort, indexerPort, prometheusPort] = [await freePort(), await freePort(), await freePort()];
    const common = {
      KAFKA_BROKERS: brokers.join(","),
      OPENSEARCH_URL: opensearchUrl,
      WIKISTREAM_REVISION: revision,
    };
    processes.push(
      startProcess("ingest", process.execPath, ["apps/ingest/src/main.ts"], {
        cwd: root,
        env: {
          ...common,
          INGEST_STREAM_URL: `${replay.url}/v2/stream`,
          INGEST_TOPIC_PREFIX: topicPrefix,
          INGEST_DLQ_TOPIC: `${topicPrefix}ingest.dlq`,
          INGEST_HTTP_PORT: String(ingestPort),
          INGEST_LOG_LEVEL: "warn",
        },
      }),
    );
    if (withIndexer) {
      processes.push(
        startProcess("indexer", process.execPath, ["apps/indexer/src/main.ts"], {
          cwd: root,
          env: {
            ...common,
            INDEXER_TOPICS: topic,
            INDEXER_TOPIC_PREFIX: topicPrefix,
            INDEXER_DLQ_TOPIC: `${topicPrefix}indexer.dlq`,
            INDEXER_GROUP_ID: groupId,
            INDEXER_INDEX_PREFIX: indexPrefix,
            INDEXER_INDEX_REPLICAS: "0",
            // The recordings reach back to 2020: older than the live default's horizon.
            INDEXER_EVENT_MAX_AGE_DAYS: "36600",
            INDEXER_HTTP_PORT: String(indexerPort),
            INDEXER_LOG_LEVEL: "warn",
          },
        }),
      );
    }
    const config = writeLocalConfig(join(root, "deploy/prometheus"), dir, {
      ingest: [`127.0.0.1:${ingestPort}`],
      indexer: withIndexer ? [`127.0.0.1:${indexerPort}`] : [],
    });
    processes.push(
      startProcess(
        "prometheus",
        options.prometheusBin,
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
          "--log.level=warn",
        ],
        { cwd: dir },
      ),
    );
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    await waitForRates(prometheusUrl, withIndexer, processes);
    return { prometheusUrl, withIndexer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForRates(prometheusUrl: string, withIndexer: boolean, processes: readonly Spawned[]) {
  const hasRate = async (expr: string) =>
    Number((await query(prometheusUrl, expr)).data?.result[0]?.value?.[1] ?? 0) > 0;
  await waitUntil(() => hasRate("sum(rate(wikistream_ingest_events_published_total[1m]))"), {
    timeoutMs: 60_000,
    what: "a published-events rate in Prometheus",
    processes,
  });
  if (withIndexer) {
    await waitUntil(() => hasRate('sum(rate(wikistream_indexer_documents_total{result="indexed"}[1m]))'), {
      timeoutMs: 60_000,
      what: "an indexed-documents rate in Prometheus",
      processes,
    });
  }
  // One more rule evaluation round with all the data present.
  await new Promise((resolve) => setTimeout(resolve, 4000));
}
