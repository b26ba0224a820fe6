import { scrape } from "@wikistream/metrics";
import { WikistreamError } from "@wikistream/resilience";
import { Hono } from "hono";
import type { Registry } from "prom-client";

export interface OpsDeps<S> {
  registry: Registry;
  /** Liveness: false only when the process should be restarted. */
  healthy?: () => boolean;
  ready: () => boolean;
  /** Extra fields of the `/readyz` body, naming what readiness depends on. */
  readiness: (status: S) => Record<string, unknown>;
  status: () => S;
}

/**
 * The operational endpoints every wikistream app serves: `/healthz`, `/readyz`, `/metrics`
 * (Prometheus) and `/status` (JSON for humans). Routes throw; `onError` answers `{code, message}`
 * and shows only our own errors' messages, since anything else may carry internals.
 */
export function createOpsApp<S>(deps: OpsDeps<S>): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => {
    const healthy = deps.healthy?.() ?? true;
    return c.json({ status: healthy ? "ok" : "crashed" }, healthy ? 200 : 503);
  });
  app.get("/readyz", (c) => {
    const ready = deps.ready();
    return c.json({ ready, ...deps.readiness(deps.status()) }, ready ? 200 : 503);
  });
  app.get("/metrics", async (c) => {
    const { body, contentType } = await scrape(deps.registry);
    return c.body(body, 200, { "content-type": contentType });
  });
  app.get("/status", (c) => c.json(deps.status() as object));
  app.notFound((c) => c.json({ code: "not_found", message: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    const own = error instanceof WikistreamError;
    return c.json(
      { code: own ? error.code : "internal", message: own ? error.message : "internal error" },
      own && error.retryable ? 503 : 500,
    );
  });
  return app;
}
