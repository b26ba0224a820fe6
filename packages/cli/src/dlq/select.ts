import type { Letter, LetterApp } from "./letter.ts";

/** Which letters a command applies to; every field narrows, none means all. */
export interface LetterFilter {
  readonly app?: LetterApp | undefined;
  readonly reasons?: readonly string[] | undefined;
  /** Letter time (when it was dead-lettered), inclusive start, exclusive end. */
  readonly sinceMs?: number | undefined;
  readonly untilMs?: number | undefined;
  readonly metaIds?: readonly string[] | undefined;
}

export function matches(letter: Letter, filter: LetterFilter): boolean {
  if (filter.app !== undefined && letter.app !== filter.app) return false;
  if (filter.reasons !== undefined && !filter.reasons.includes(letter.reason)) return false;
  const time = Date.parse(letter.time);
  if (filter.sinceMs !== undefined && !(time >= filter.sinceMs)) return false;
  if (filter.untilMs !== undefined && !(time < filter.untilMs)) return false;
  if (
    filter.metaIds !== undefined &&
    (letter.metaId === undefined || !filter.metaIds.includes(letter.metaId))
  ) {
    return false;
  }
  return true;
}

/** Counts by app and reason, for `dlq list --summary` and the end of every list. */
export function countByReason(
  letters: readonly Letter[],
): { app: LetterApp; reason: string; letters: number }[] {
  const counts = new Map<string, { app: LetterApp; reason: string; letters: number }>();
  for (const letter of letters) {
    const key = `${letter.app}\u0000${letter.reason}`;
    const entry = counts.get(key) ?? { app: letter.app, reason: letter.reason, letters: 0 };
    entry.letters += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.letters - a.letters || a.reason.localeCompare(b.reason));
}
