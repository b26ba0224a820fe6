import { createServer, type IncomingMessage, type Server } from "node:http";

/**
 * Fault injection: an HTTP proxy in front of OpenSearch that answers a share of `_bulk` requests with
 * 429 (whole request) and, of the bulk answers it passes on, rewrites a share of items to 429
 * `es_rejected_execution_exception` (as a node under load does). Deterministic (seeded). With
 * `refuseWithHtml`, it answers `_bulk` requests as a proxy, load balancer or WAF in front of OpenSearch
 * would: an HTML page with the status it returns (400, 413), until it returns undefined.
 */
export interface ThrottlingProxy {
  url: string;
  stats: { bulkRequests: number; throttledRequests: number; throttledItems: number; htmlRefusals: number };
  close(): Promise<void>;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startThrottlingProxy(options: {
  target: string;
  requestShare: number;
  itemShare: number;
  seed?: number;
  refuseWithHtml?: () => number | undefined;
}): Promise<ThrottlingProxy> {
  const random = seeded(options.seed ?? 42);
  const stats = { bulkRequests: 0, throttledRequests: 0, throttledItems: 0, htmlRefusals: 0 };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const isBulk = request.method === "POST" && (request.url ?? "").split("?")[0]!.endsWith("/_bulk");
    if (isBulk) {
      stats.bulkRequests += 1;
      const refusal = options.refuseWithHtml?.();
      if (refusal !== undefined) {
        stats.htmlRefusals += 1;
        response.writeHead(refusal, { "content-type": "text/html" });
        response.end(
          `<html><head><title>${refusal} Bad Request</title></head><body><center><h1>${refusal}</h1></center><hr><center>nginx</center></body></html>`,
        );
        return;
      }
      if (random() < options.requestShare) {
        stats.throttledRequests += 1;
        response.writeHead(429, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: {
              root_cause: [
                {
                  type: "rejected_execution_exception",
                  reason: "rejected execution of coordinating operation",
                },
              ],
              type: "rejected_execution_exception",
              reason: "rejected execution of coordinating operation",
            },
            status: 429,
          }),
        );
        return;
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "content-length") headers[name] = value;
    }
    try {
      const upstream = await fetch(new URL(request.url ?? "/", options.target), {
        method: request.method,
        headers,
        ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
      });
      let text = await upstream.text();
      if (isBulk && upstream.status === 200) {
        const parsed = JSON.parse(text) as {
          errors: boolean;
          items: Record<string, Record<string, unknown>>[];
        };
        for (const item of parsed.items) {
          const result = Object.values(item)[0]!;
          if (random() < options.itemShare) {
            stats.throttledItems += 1;
            parsed.errors = true;
            result.status = 429;
            result.error = {
              type: "es_rejected_execution_exception",
              reason: "rejected execution of primary operation [coordinating_and_primary_bytes=0]",
            };
          }
        }
        text = JSON.stringify(parsed);
      }
      response.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      response.end(text);
    } catch {
      response.writeHead(502);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
