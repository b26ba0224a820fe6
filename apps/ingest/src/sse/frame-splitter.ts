/**
 * One piece of the byte stream, cut at SSE frame boundaries (a blank line) before any decoding:
 * - `frame`: the whole lines of one frame, each ended by "\n" (CR and CRLF are normalised), then the
 *   blank line; or a single comment line, handed on at once so keepalives never pile up in a frame.
 * - `oversized`: a frame longer than the limit. Only its first `headBytes` were kept; the rest was
 *   counted and discarded up to the next blank line.
 */
export type SplitPiece =
  | { kind: "frame"; bytes: Uint8Array }
  | { kind: "oversized"; head: Uint8Array; bytes: number };

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const newline = new Uint8Array([LF]);

/**
 * Splits SSE bytes into frames while holding at most `maxBytes` of any frame. eventsource-parser
 * buffers an unfinished line and an unfinished event without limit, so one endless `data:` line
 * would grow the heap until the process dies; fed only whole, bounded frames, it cannot. Cutting
 * bytes (not text) at line ends also never splits a UTF-8 character: CR and LF occur in UTF-8 only
 * as themselves, so each frame can be decoded on its own, strictly.
 */
export class FrameSplitter {
  readonly #maxBytes: number;
  readonly #headBytes: number;
  /** Whole lines of the current frame, each with its "\n". */
  #lines: Uint8Array[] = [];
  #linesSize = 0;
  /** Pieces of the line being read. */
  #line: Uint8Array[] = [];
  #lineSize = 0;
  /** The last chunk ended on CR: an LF starting the next one belongs to it. */
  #afterCR = false;
  /** Set once the current frame passed the limit: its kept head and its size so far. */
  #discarding: { head: Uint8Array; bytes: number; lineHasBytes: boolean } | undefined;

  constructor(options: { maxBytes: number; headBytes: number }) {
    this.#maxBytes = options.maxBytes;
    this.#headBytes = Math.min(options.headBytes, options.maxBytes);
  }

  /**
   * The pieces completed by this chunk; a partial frame is held (bounded) until its blank line. A
   * piece may be a view of `chunk`: decode it before the chunk is reused (nothing here reuses one).
   */
  push(chunk: Uint8Array): SplitPiece[] {
    const pieces: SplitPiece[] = [];
    let at = 0;
    let plain = this.#holdsNothing() && chunk.indexOf(CR) === -1;
    while (at < chunk.length) {
      if (plain) at = this.#pushPlain(chunk, at, pieces);
      if (at < chunk.length) at = this.#pushGeneral(chunk, at, pieces);
      // The general path hands back before the end only where nothing is held and no CR follows.
      plain = true;
    }
    return pieces;
  }

  #holdsNothing(): boolean {
    return this.#lines.length === 0 && this.#line.length === 0 && !this.#afterCR && !this.#discarding;
  }

  /**
   * The common case, LF line ends only from `start` on while nothing is held: whole frames are then
   * already in normalised form, so each is handed on as a view, with no copy per line. Returns where
   * the general path must go on: the start of a frame that is unfinished, over the limit or has a
   * comment inside (the general path hands each comment on alone), or the end of the chunk.
   */
  #pushPlain(chunk: Uint8Array, start: number, pieces: SplitPiece[]): number {
    let frameStart = start;
    let lineStart = start;
    let hasLines = false;
    for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, lineStart)) {
      if (end === lineStart) {
        if (hasLines) pieces.push({ kind: "frame", bytes: view(chunk, frameStart, end + 1) });
        frameStart = end + 1;
        hasLines = false;
      } else if (end - frameStart > this.#maxBytes || (chunk[lineStart] === COLON && hasLines)) {
        return frameStart;
      } else if (chunk[lineStart] === COLON) {
        pieces.push({ kind: "frame", bytes: view(chunk, lineStart, end + 1) });
        frameStart = end + 1;
      } else {
        hasLines = true;
      }
      lineStart = end + 1;
    }
    return hasLines ? frameStart : lineStart;
  }

  /**
   * Any bytes from any state: each line copied, line ends normalised. Returns the end of the chunk,
   * or earlier, the first line end after which nothing is held and no CR follows (the plain path
   * goes on from there).
   */
  #pushGeneral(chunk: Uint8Array, start: number, pieces: SplitPiece[]): number {
    let at = start;
    if (this.#afterCR && chunk[at] === LF) at += 1;
    this.#afterCR = false;
    // Next CR and LF from `at`, each searched again only once passed: one scan of the chunk each.
    let nextLF = chunk.indexOf(LF, at);
    let nextCR = chunk.indexOf(CR, at);
    while (at < chunk.length) {
      if (nextLF !== -1 && nextLF < at) nextLF = chunk.indexOf(LF, at);
      if (nextCR !== -1 && nextCR < at) nextCR = chunk.indexOf(CR, at);
      if (nextCR === -1 && at > start && this.#holdsNothing()) return at;
      const end = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
      if (end === -1) {
        this.#append(chunk.subarray(at));
        break;
      }
      this.#append(chunk.subarray(at, end));
      const piece = this.#endLine();
      if (piece) pieces.push(piece);
      at = end + 1;
      if (chunk[end] === CR) {
        if (at === chunk.length) this.#afterCR = true;
        else if (chunk[at] === LF) at += 1;
      }
    }
    return chunk.length;
  }

  #append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#discarding) {
      this.#discarding.bytes += bytes.length;
      this.#discarding.lineHasBytes = true;
      return;
    }
    if (this.#linesSize + this.#lineSize + bytes.length > this.#maxBytes) {
      const kept = concat([...this.#lines, ...this.#line, bytes], this.#headBytes);
      const size = this.#linesSize + this.#lineSize + bytes.length;
      this.#discarding = { head: kept, bytes: size, lineHasBytes: true };
      this.#lines = [];
      this.#line = [];
      this.#linesSize = 0;
      this.#lineSize = 0;
      return;
    }
    // A copy (Buffer's slice() would be a view): a view would keep the whole network chunk alive.
    this.#line.push(new Uint8Array(bytes));
    this.#lineSize += bytes.length;
  }

  #endLine(): SplitPiece | undefined {
    if (this.#discarding) {
      // Inside an oversized frame, only the blank line that ends it matters.
      if (this.#discarding.lineHasBytes) {
        this.#discarding.lineHasBytes = false;
        return undefined;
      }
      const { head, bytes } = this.#discarding;
      this.#discarding = undefined;
      return { kind: "oversized", head, bytes };
    }
    if (this.#lineSize === 0) {
      if (this.#lines.length === 0) return undefined;
      const bytes = concat([...this.#lines, newline], Number.POSITIVE_INFINITY);
      this.#lines = [];
      this.#linesSize = 0;
      return { kind: "frame", bytes };
    }
    const line = concat([...this.#line, newline], Number.POSITIVE_INFINITY);
    this.#line = [];
    this.#lineSize = 0;
    if (line[0] === COLON) return { kind: "frame", bytes: line };
    this.#lines.push(line);
    this.#linesSize += line.length;
    return undefined;
  }
}

/** Bytes `start` to `end` of `bytes`, shared: a plain Uint8Array, cheaper to make than a Buffer's subarray. */
function view(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}

/** The first `limit` bytes of the parts, joined. */
function concat(parts: readonly Uint8Array[], limit: number): Uint8Array {
  const total = Math.min(
    limit,
    parts.reduce((sum, part) => sum + part.length, 0),
  );
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    if (at >= total) break;
    const take = part.subarray(0, total - at);
    out.set(take, at);
    at += take.length;
  }
  return out;
}
