import { TransformError } from "../errors.ts";
import type { IndexedEvent } from "./decode.ts";
import {
  type DerivedFields,
  eventTime,
  pageChangeBytes,
  pageChangeEditor,
  pageChangeSite,
  recentChangeBytes,
  recentChangeEditor,
  recentChangeLogParams,
  recentChangeSite,
  type Transform,
  type TransformSet,
} from "./transforms/index.ts";

/** The document indexed for an event: the event as received, plus derived fields under `wikistream`. */
export type IndexDocument = Record<string, unknown> & { wikistream: DerivedFields };

export const defaultTransforms: TransformSet = {
  "mediawiki.recentchange": [
    eventTime,
    recentChangeSite,
    recentChangeEditor,
    recentChangeBytes,
    recentChangeLogParams,
  ],
  "mediawiki.page_change.v1": [eventTime, pageChangeSite, pageChangeEditor, pageChangeBytes],
};

function run<E>(transforms: readonly Transform<E>[], event: E, stream: string): DerivedFields {
  // event_time is always set (by the eventTime transform, or here if a set leaves it out).
  const derived: Partial<DerivedFields> = { stream };
  for (const transform of transforms) {
    try {
      Object.assign(derived, transform.apply(event));
    } catch (cause) {
      throw new TransformError(`transform "${transform.name}" failed for ${stream}`, {
        cause,
        context: { transform: transform.name },
      });
    }
  }
  if (typeof derived.event_time !== "string") {
    throw new TransformError(`no event_time derived for ${stream}`, { context: { transform: "(set)" } });
  }
  return derived as DerivedFields;
}

/** The fields the transforms derive for an event (the document's `wikistream`). Pure; throws TransformError. */
export function deriveFields(
  indexed: IndexedEvent,
  transforms: TransformSet = defaultTransforms,
): DerivedFields {
  return indexed.stream === "mediawiki.recentchange"
    ? run(transforms[indexed.stream], indexed.event, indexed.stream)
    : run(transforms[indexed.stream], indexed.event, indexed.stream);
}

/**
 * Event → document. Pure: the same event always gives the same document, which is what makes
 * re-delivery overwrite a document with identical content. Throws TransformError.
 */
export function toDocument(
  indexed: IndexedEvent,
  transforms: TransformSet = defaultTransforms,
): IndexDocument {
  return { ...(indexed.event as Record<string, unknown>), wikistream: deriveFields(indexed, transforms) };
}
