/** The send side of the freshness measurement: when each frame reached ingest's connection. */
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

export interface SendLog {
  /** meta.id → when the frame's last byte was handed to the ingest's socket (performance.now()). */
  sent: Map<string, number>;
  order: string[];
}

/**
 * A pass-through HTTP proxy in front of the replay server that notes, for every frame, when it was
 * written to the ingest's connection: the moment the "upstream" sent the event.
 */
export async function sendRecorder(
  upstream: string,
): Promise<{ url: string; log: SendLog; close(): Promise<void> }> {
  const log: SendLog = { sent: new Map(), order: [] };
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? "/", upstream);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && name !== "host") headers[name] = value;
    }
    const forward = httpRequest(target, { headers }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      const decoder = new TextDecoder();
      let pending = "";
      upstreamRes.on("data", (chunk: Buffer) => {
        res.write(chunk);
        const now = performance.now();
        pending += decoder.decode(chunk, { stream: true });
        let newline = pending.indexOf("\n");
        while (newline >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          newline = pending.indexOf("\n");
          if (!line.startsWith("data:")) continue;
          try {
            const id = (JSON.parse(line.slice(5)) as { meta?: { id?: string } }).meta?.id;
            if (id !== undefined && !log.sent.has(id)) {
              log.sent.set(id, now);
              log.order.push(id);
            }
          } catch {
            // not an event's JSON (a comment or a partial test frame): nothing to note
          }
        }
      });
      upstreamRes.on("end", () => res.end());
      res.on("close", () => upstreamRes.destroy());
    });
    forward.on("error", () => res.destroy());
    forward.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
