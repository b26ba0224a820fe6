import { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse, STATUS_CODES } from "node:http";
import type { ReplayError } from "./errors.ts";

/** EventStreams' error body (service-runner HTTPError): only these fields, never a stack. */
export interface Problem {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
}

export function sendProblem(
  req: IncomingMessage,
  res: ServerResponse,
  problem: Problem,
  headers: OutgoingHttpHeaders = {},
): void {
  const body = JSON.stringify({ ...problem, method: req.method ?? "GET", uri: req.url ?? "" });
  res.writeHead(problem.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const TITLES: Partial<Record<ReplayError["code"], string>> = {
  invalid_timestamp: "Invalid timestamp",
  invalid_last_event_id: "Invalid Last-Event-ID",
  invalid_assignment: "Invalid assignment",
};

/** A request error found before streaming starts, as a 400. */
export function problemFor(error: ReplayError): Problem {
  return { status: 400, type: error.code, title: TITLES[error.code] ?? "Bad Request", detail: error.message };
}

/** The body of an injected status fault, in the real service's words where known. */
export function faultProblem(status: number): Problem {
  if (status === 429) {
    return {
      status,
      type: "too_many_requests",
      title: "Too Many Concurrent Connections From Your Client IP",
      detail: "Your HTTP client is likely opening too many concurrent connections.",
    };
  }
  const title = STATUS_CODES[status] ?? "Error";
  return {
    status,
    type: title.toLowerCase().replaceAll(" ", "_"),
    title,
    detail: `Injected fault: HTTP ${status}`,
  };
}
