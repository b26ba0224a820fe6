import { scrape } from "@wikistream/metrics";
import { WikistreamError } from "@wikistream/resilience";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { IndexerStatus } from "../indexer.ts";

export interface HttpDeps {
  registry: Registry;
  ready: () => boolean;
  healthy: () => boolean;
  status: () => IndexerStatus;
}

/**
 * `/healthz` (the consumer is alive), `/readyz` (templates installed and the group joined),
 * `/metrics` (Prometheus), `/status` (JSON for humans). Routes throw; `onError` answers `{code, message}`.
 */
export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => {
    const healthy = deps.healthy();
    return c.json({ status: healthy ? "ok" : "crashed" }, healthy ? 200 : 503);
  });
  app.get("/readyz", (c) => {
    const status = deps.status();
    const ready = deps.ready();
    return c.json(
      { ready, state: status.state, templatesInstalled: status.templatesInstalled, joined: status.joined },
      ready ? 200 : 503,
    );
  });
  app.get("/metrics", async (c) => {
    const { body, contentType } = await scrape(deps.registry);
    return c.body(body, 200, { "content-type": contentType });
  });
  app.get("/status", (c) => c.json(deps.status()));
  app.notFound((c) => c.json({ code: "not_found", message: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    const code = error instanceof WikistreamError ? error.code : "internal";
    // Only our own messages are shown; anything else may carry internals.
    const message = error instanceof WikistreamError ? error.message : "internal error";
    return c.json({ code, message }, error instanceof WikistreamError && error.retryable ? 503 : 500);
  });
  return app;
}
