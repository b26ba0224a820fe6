import type { ConnectionRun } from "./connection.ts";
import { nextPosition } from "./cursor.ts";
import { type Fault, GARBAGE_NOT_JSON, GARBAGE_SCHEMA_VIOLATION } from "./faults.ts";
import { cutFrame, eventFrame, type LineEnding } from "./frames.ts";
import type { Writer } from "./writer.ts";

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });

/** Performs a fault; "ended" when the connection must not go on. */
export async function inject(
  run: ConnectionRun,
  fault: Exclude<Fault, { kind: "status" }>,
  sent: number,
  writer: Writer,
  id: string,
  gone: AbortSignal,
): Promise<"ended" | "continue"> {
  const base = { connection: run.stats.index, fault, afterEvents: sent };
  switch (fault.kind) {
    case "close":
      run.onInjected(base);
      return "ended";
    case "stall":
      run.onInjected(base);
      await untilAborted(gone);
      return "ended";
    case "garbage":
      run.onInjected({
        ...base,
        payloads: await writeGarbage(fault.bytes, writer, id, run.settings.lineEnding),
      });
      return "continue";
    case "oversized":
      await writeOversized(fault.bytes, writer, id, run.settings.lineEnding);
      run.onInjected({ ...base, dataBytes: fault.bytes });
      return "continue";
    case "dropMidFrame":
      run.onInjected({ ...base, ...(await writeHalfFrame(run, id)) });
      run.res.socket?.destroy();
      run.res.destroy();
      return "ended";
  }
}

/** Two frames that are not events: the given bytes (or text that is not JSON), then a schema violation. */
async function writeGarbage(
  bytes: string | Uint8Array | undefined,
  writer: Writer,
  id: string,
  eol: LineEnding,
): Promise<[string, string]> {
  const custom = typeof bytes === "string" || bytes === undefined ? bytes : Buffer.from(bytes);
  await writer.write(custom ?? eventFrame(id, GARBAGE_NOT_JSON, eol));
  await writer.write(eventFrame(id, GARBAGE_SCHEMA_VIOLATION, eol));
  return [custom === undefined ? GARBAGE_NOT_JSON : custom.toString(), GARBAGE_SCHEMA_VIOLATION];
}

/** One frame whose data line is `bytes` long. */
async function writeOversized(bytes: number, writer: Writer, id: string, eol: LineEnding): Promise<void> {
  await writer.write(`event: message${eol}id: ${id}${eol}data: `);
  // One reused block: the server itself stays small however long the line.
  const block = Buffer.alloc(64 * 1024, "x");
  for (let left = bytes; left > 0; left -= block.length) {
    await writer.write(left >= block.length ? block : block.subarray(0, left));
  }
  await writer.write(eol + eol);
}

/** Sends half of the next frame (the connection is reset after it). */
async function writeHalfFrame(
  run: ConnectionRun,
  id: string,
): Promise<{ bytesSent: number; insideCharacter: boolean }> {
  const { res } = run;
  const position = nextPosition(run.positions);
  const next = position?.sequence.at(position.next);
  // Nothing left to cut: drop the connection between frames instead.
  const frame =
    next === undefined ? undefined : Buffer.from(eventFrame(id, next.data, run.settings.lineEnding), "utf8");
  const cut = frame === undefined ? { head: Buffer.alloc(0), insideCharacter: false } : cutFrame(frame);
  if (cut.head.length > 0) {
    // Wait until the half frame is handed to the kernel, so the client really receives it.
    await new Promise<void>((resolve) => res.write(cut.head, () => resolve()));
  }
  return { bytesSent: cut.head.length, insideCharacter: cut.insideCharacter };
}
