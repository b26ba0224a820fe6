import { explainKafkaStartupError } from "@wikistream/kafka";
import { errorMessage } from "@wikistream/resilience";
import type { IngestConfig } from "../config.ts";

/** One line that names the setting or address at fault and how to fix it. */
export function explainStartupError(
  error: unknown,
  config: Pick<IngestConfig, "kafkaBrokers" | "httpHost" | "httpPort"> &
    Partial<Pick<IngestConfig, "kafkaSecurity">>,
): string {
  const message = errorMessage(error);
  const code = (error as { code?: string }).code;
  if (code === "EADDRINUSE" || /address already in use|AddrInUse/i.test(message)) {
    return `INGEST_HTTP_PORT=${config.httpPort}: ${config.httpHost}:${config.httpPort} is already in use; stop what holds it or choose another port`;
  }
  const kafka = explainKafkaStartupError(error, {
    brokers: config.kafkaBrokers,
    timeoutVariable: "INGEST_STARTUP_TIMEOUT_MS",
    security: config.kafkaSecurity,
  });
  return kafka ?? message;
}

/**
 * The one line logged when the stream cannot be reached at all on the first attempt: most often no
 * internet. Ingest keeps retrying (it is a service), so the line also says how to work offline.
 */
export function explainUnreachable(detail: string): string {
  return (
    `event stream unreachable: ${detail}; retrying with backoff. No internet? Run from a recording ` +
    "instead: `npm start -- --replay ../shared/data/wikimedia/recentchange-enwiki-2023-07.ndjson`, " +
    "or serve one with `npm run replay -- replay <file>` and set INGEST_STREAM_URL=http://127.0.0.1:8090/v2/stream"
  );
}
