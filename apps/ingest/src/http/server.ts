import { scrape } from "@wikistream/metrics";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { IngestStatus } from "../ingest.ts";

export interface HttpDeps {
  registry: Registry;
  ready: () => boolean;
  status: () => IngestStatus;
}

/** `/healthz` (process alive), `/readyz` (upstream and Kafka connected), `/metrics`, `/status`. */
export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) => {
    const status = deps.status();
    const ready = deps.ready();
    return c.json(
      {
        ready,
        state: status.state,
        streamConnected: status.connected,
        kafkaConnected: status.kafkaConnected,
      },
      ready ? 200 : 503,
    );
  });
  app.get("/metrics", async (c) => {
    const { body, contentType } = await scrape(deps.registry);
    return c.body(body, 200, { "content-type": contentType });
  });
  app.get("/status", (c) => c.json(deps.status()));
  app.notFound((c) => c.json({ code: "not_found", message: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => c.json({ code: "internal", message: error.message }, 500));
  return app;
}
