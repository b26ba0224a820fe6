/** One reading of the pipeline's two counters; a reading that failed (a broker just died) is absent. */
export interface Sample {
  at: number;
  /** Events the replay had sent. */
  sent: number;
  published?: number;
  indexed?: number;
}

/**
 * The longest time within [from, to] during which `key` did not grow: from `from` to its first rise,
 * between rises, and from the last rise to `to`. Pass a `to` before the stream's end, or the quiet
 * after the last event counts as a pause.
 */
export function longestPause(
  samples: readonly Sample[],
  key: "published" | "indexed",
  from: number,
  to: number,
): number {
  let previous: number | undefined;
  let lastRise = from;
  let longest = 0;
  for (const sample of samples) {
    const value = sample[key];
    if (value === undefined) continue;
    if (previous !== undefined && value > previous && sample.at >= from && sample.at <= to) {
      longest = Math.max(longest, sample.at - lastRise);
      lastRise = sample.at;
    }
    previous = value;
  }
  return Math.max(longest, to - lastRise);
}

/** Growth of `key` within [from, to]: what was published or indexed while the fault lasted. */
export function growth(
  samples: readonly Sample[],
  key: "published" | "indexed",
  from: number,
  to: number,
): number {
  const inside = samples.filter((s) => s.at >= from && s.at <= to && s[key] !== undefined);
  const first = inside[0]?.[key];
  const last = inside.at(-1)?.[key];
  return first === undefined || last === undefined ? 0 : last - first;
}

export interface Readers {
  sent: () => number;
  published: () => Promise<number>;
  indexed: () => Promise<number>;
}

/** When the replay had sent `total` events (the first sample that saw it), or undefined. */
export const streamEndedAt = (samples: readonly Sample[], total: number): number | undefined =>
  samples.find((s) => s.sent >= total)?.at;

/** Reads both counters every `everyMs` until stopped; each read is bounded so a dead node cannot stall it. */
export class Sampler {
  readonly samples: Sample[] = [];
  readonly #read: Readers;
  readonly #everyMs: number;
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(read: Readers, everyMs = 500) {
    this.#read = read;
    this.#everyMs = everyMs;
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  get last(): Sample | undefined {
    return this.samples.at(-1);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const at = Date.now();
      const sent = this.#read.sent();
      const [published, indexed] = await Promise.all([
        bounded(this.#read.published()),
        bounded(this.#read.indexed()),
      ]);
      const sample: Sample = { at, sent };
      if (published !== undefined) sample.published = published;
      if (indexed !== undefined) sample.indexed = indexed;
      this.samples.push(sample);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, this.#everyMs - (Date.now() - at))));
    }
  }
}

/** A reading, or undefined when it failed or took over 3 s: a missed sample, never a failed test. */
async function bounded(read: Promise<number>): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), 3_000);
  });
  try {
    return await Promise.race([read.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
