/** What a command talks to besides the services: output streams, environment, clock. */
export interface Io {
  out(line: string): void;
  /** Progress and warnings: stderr, so stdout stays parseable with --json. */
  err(line: string): void;
  writeRaw(bytes: Uint8Array): void;
  readonly env: Record<string, string | undefined>;
  now(): number;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  writeRaw: (bytes) => process.stdout.write(bytes),
  env: process.env,
  now: () => Date.now(),
};

/** A progress line at most every `everyMs`, and always a last one. */
export class Progress {
  readonly #io: Io;
  readonly #what: string;
  readonly #total: number;
  readonly #everyMs: number;
  #done = 0;
  #lastMs = 0;

  constructor(io: Io, what: string, total: number, everyMs = 2000) {
    this.#io = io;
    this.#what = what;
    this.#total = total;
    this.#everyMs = everyMs;
    this.#lastMs = io.now();
  }

  add(count: number): void {
    this.#done += count;
    const now = this.#io.now();
    if (now - this.#lastMs >= this.#everyMs) {
      this.#lastMs = now;
      this.#io.err(`${this.#what}: ${this.#done}/${this.#total}`);
    }
  }

  get done(): number {
    return this.#done;
  }
}
