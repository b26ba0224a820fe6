import { createOpsApp } from "@wikistream/http";
import type { Hono } from "hono";
import type { Registry } from "prom-client";
import type { IndexerStatus } from "../indexer-types.ts";

export interface HttpDeps {
  registry: Registry;
  ready: () => boolean;
  healthy: () => boolean;
  status: () => IndexerStatus;
}

/**
 * `/healthz` (the consumer is alive), `/readyz` (templates installed, the group joined, credentials accepted),
 * `/metrics` (Prometheus), `/status` (JSON for humans).
 */
export function createHttpApp(deps: HttpDeps): Hono {
  return createOpsApp({
    ...deps,
    readiness: (status) => ({
      state: status.state,
      templatesInstalled: status.templatesInstalled,
      joined: status.joined,
      ...(status.credentialsRefused ? { credentialsRefused: status.credentialsRefused } : {}),
    }),
  });
}
