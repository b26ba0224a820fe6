import type { z } from "zod";
import { envelopeSchema } from "./envelope.ts";
import { pageChangeSchema } from "./page-change.ts";
import { recentChangeSchema } from "./recentchange.ts";

/** The EventStreams streams wikistream knows, by canonical name, with the schema each is validated by. */
export const streams = {
  "mediawiki.recentchange": recentChangeSchema,
  "mediawiki.page_change.v1": pageChangeSchema,
  "mediawiki.page-create": envelopeSchema,
  "mediawiki.revision-create": envelopeSchema,
} as const satisfies Record<string, z.ZodType>;

export type StreamName = keyof typeof streams;

// EventStreams' own short aliases, plus the spellings users type.
const aliases: Record<string, StreamName> = {
  recentchange: "mediawiki.recentchange",
  page_change: "mediawiki.page_change.v1",
  "page-change": "mediawiki.page_change.v1",
  "mediawiki.page_change": "mediawiki.page_change.v1",
  "page-create": "mediawiki.page-create",
  "revision-create": "mediawiki.revision-create",
};

export function isStreamName(name: string): name is StreamName {
  return Object.hasOwn(streams, name);
}

/** Canonical stream name for a canonical name or alias; undefined when unknown. */
export function resolveStream(name: string): StreamName | undefined {
  const trimmed = name.trim();
  if (isStreamName(trimmed)) return trimmed;
  return Object.hasOwn(aliases, trimmed) ? aliases[trimmed] : undefined;
}

export const knownStreamNames: readonly string[] = [...Object.keys(streams), ...Object.keys(aliases)];

/**
 * Topic naming rule: `<prefix><canonical stream name>`, e.g. `wikistream.mediawiki.recentchange`.
 * Dots are legal in Kafka topic names; the prefix keeps wikistream's topics apart from others.
 */
export function topicForStream(prefix: string, stream: StreamName): string {
  return `${prefix}${stream}`;
}
