/** SSE allows all three; the captures use LF, and clients must cope with the others. */
export type LineEnding = "\n" | "\r\n" | "\r";

/** One `event: message` frame as EventStreams writes it. Multi-line data becomes several `data:` lines. */
export function eventFrame(id: string, data: string, eol: LineEnding = "\n"): string {
  const dataLines = data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}${eol}`)
    .join("");
  return `event: message${eol}id: ${id}${eol}${dataLines}${eol}`;
}

/** A comment line (`:ok`, keepalives); clients must ignore it. */
export function commentLine(text: string, eol: LineEnding = "\n"): string {
  return `:${text}${eol}`;
}

export interface FrameCut {
  /** The bytes to send before the connection is cut. */
  readonly head: Buffer;
  /** Whether the cut falls inside a multi-byte UTF-8 character. */
  readonly insideCharacter: boolean;
}

function isLeadByte(byte: number): boolean {
  return byte >= 0xc0 && byte <= 0xf7;
}

/**
 * Where to cut a frame for a mid-frame disconnect: inside the `data:` line, near its middle, and if
 * the data has a multi-byte UTF-8 character, right after that character's first byte, so a client
 * that decodes chunk by chunk without a streaming decoder gets caught.
 */
export function cutFrame(frame: Buffer): FrameCut {
  const match = /(?:^|\r\n|\r|\n)data: /.exec(frame.toString("latin1"));
  const start = match === null ? 0 : match.index + match[0].length;
  let end = start;
  while (end < frame.length && frame[end] !== 0x0a && frame[end] !== 0x0d) end += 1;
  const middle = Math.floor((start + end) / 2);
  let best: number | undefined;
  for (let i = start; i < end; i += 1) {
    const byte = frame[i];
    if (
      byte !== undefined &&
      isLeadByte(byte) &&
      (best === undefined || Math.abs(i - middle) < Math.abs(best - middle))
    ) {
      best = i;
    }
  }
  if (best !== undefined) return { head: frame.subarray(0, best + 1), insideCharacter: true };
  return { head: frame.subarray(0, Math.max(start + 1, middle)), insideCharacter: false };
}
