import { Agent, request } from "node:http";
import { describe, expect, it } from "vitest";
import { nodeRuntime } from "./node.ts";

// Regression (CI, start-policy.int.test.ts): a client polling /status over a keep-alive connection
// every 100 ms kept the HTTP server from closing, so an ingest whose start had failed printed its one
// line and then never exited. close() must end the server's connections, not wait for clients to.
describe("nodeRuntime.serve close()", () => {
  it("resolves while a keep-alive client keeps polling", async () => {
    const server = await nodeRuntime.serve({
      // Slow enough that close() lands while a request is being answered, as it did in CI.
      fetch: async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return new Response("ok");
      },
      hostname: "127.0.0.1",
      port: 0,
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let polling = true;
    const poll = () =>
      new Promise<void>((done) => {
        const req = request({ host: "127.0.0.1", port: server.port, path: "/status", agent }, (res) => {
          res.resume();
          res.on("end", () => done());
        });
        req.on("error", () => {
          polling = false;
          done();
        });
        req.end();
      });
    const poller = (async () => {
      while (polling) {
        await poll();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await poll(); // the keep-alive connection is open
    await new Promise((resolve) => setTimeout(resolve, 80)); // the next request is in flight
    const closed = await Promise.race([
      server.close().then(() => "closed"),
      new Promise((resolve) => setTimeout(() => resolve("still open after 3 s"), 3_000)),
    ]);
    polling = false;
    agent.destroy();
    await poller;
    expect(closed).toBe("closed");
  });
});
