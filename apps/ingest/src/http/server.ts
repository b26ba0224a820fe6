import { createOpsApp } from "@wikistream/http";
import type { Hono } from "hono";
import type { Registry } from "prom-client";
import type { IngestStatus } from "../ingest.ts";

export interface HttpDeps {
  registry: Registry;
  ready: () => boolean;
  status: () => IngestStatus;
}

/** `/healthz` (process alive), `/readyz` (upstream and Kafka connected, produce not blocked), `/metrics`, `/status`. */
export function createHttpApp(deps: HttpDeps): Hono {
  return createOpsApp({
    ...deps,
    readiness: (status) => ({
      state: status.state,
      streamConnected: status.connected,
      kafkaConnected: status.kafkaConnected,
      produceBlocked: status.produceBlocked?.code ?? null,
    }),
  });
}
