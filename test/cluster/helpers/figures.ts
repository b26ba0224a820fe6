import { growth, longestPause, type Sample } from "./progress.ts";
import type { Outcome } from "./run.ts";

export interface FaultFigures {
  "published while faulty": number;
  "indexed while faulty": number;
  "longest publish pause (ms)": number;
  "longest index pause (ms)": number;
  "fault inside the stream": boolean;
  documents: number;
  duplicates: number;
  missing: number;
  unexpected: number;
  "kafka duplicates": number;
  "rewritten (version > 1)": number;
  "dead letters": number;
  "lag at stop": number;
  "wall (ms)": number;
}

/** The figures every fault test prints: what flowed while the fault lasted, and what arrived. */
export function faultFigures(
  outcome: Outcome,
  samples: readonly Sample[],
  fault: { from: number; to: number; streamEnd: number },
): FaultFigures {
  const to = Math.min(fault.to, fault.streamEnd);
  return {
    "published while faulty": growth(samples, "published", fault.from, to),
    "indexed while faulty": growth(samples, "indexed", fault.from, to),
    "longest publish pause (ms)": longestPause(samples, "published", fault.from, to),
    "longest index pause (ms)": longestPause(samples, "indexed", fault.from, to),
    "fault inside the stream": fault.from < fault.streamEnd,
    documents: outcome.documents,
    duplicates: outcome.duplicates,
    missing: outcome.missing,
    unexpected: outcome.unexpected,
    "kafka duplicates": outcome.kafkaRecords - outcome.expected,
    "rewritten (version > 1)": outcome.rewritten,
    "dead letters": outcome.deadLetters,
    "lag at stop": outcome.lagAtStop,
    "wall (ms)": outcome.wallMs,
  };
}
