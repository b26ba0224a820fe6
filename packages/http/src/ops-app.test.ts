import { createRegistry } from "@wikistream/metrics";
import { WikistreamError } from "@wikistream/resilience";
import { describe, expect, it } from "vitest";
import { createOpsApp } from "./ops-app.ts";

const registry = createRegistry({ defaultMetrics: false });

describe("createOpsApp", () => {
  it("never shows the message of an error that is not ours", async () => {
    const app = createOpsApp({ registry, ready: () => true, readiness: () => ({}), status: () => ({}) });
    app.get("/boom", () => {
      throw new Error("password=hunter2 at /internal/path");
    });
    app.get("/ours", () => {
      throw new WikistreamError("kafka_unavailable", "Kafka is down", { retryable: true });
    });
    const boom = await app.request("/boom");
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ code: "internal", message: "internal error" });
    const ours = await app.request("/ours");
    expect(ours.status).toBe(503);
    expect(await ours.json()).toEqual({ code: "kafka_unavailable", message: "Kafka is down" });
  });

  it("reports liveness and readiness with the fields each app names", async () => {
    const app = createOpsApp({
      registry,
      healthy: () => false,
      ready: () => false,
      readiness: (s: { state: string }) => ({ state: s.state }),
      status: () => ({ state: "starting" }),
    });
    expect((await app.request("/healthz")).status).toBe(503);
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, state: "starting" });
  });
});
