import { z } from "zod";
import { dateTimeSchema, envelopeSchema } from "./envelope.ts";

/** mediawiki.page_change.v1 (schema /mediawiki/page/change/1.x), with the schema's required fields. */
export const pageChangeSchema = envelopeSchema.extend({
  changelog_kind: z.enum(["insert", "update", "delete"]),
  page_change_kind: z.string().min(1),
  dt: dateTimeSchema,
  wiki_id: z.string().min(1),
  page: z.looseObject({
    page_id: z.number().int(),
    page_title: z.string(),
    namespace_id: z.number().int(),
    is_redirect: z.boolean().optional(),
  }),
  revision: z.looseObject({
    rev_id: z.number().int(),
    rev_dt: dateTimeSchema.optional(),
  }),
  performer: z.looseObject({ user_text: z.string().optional(), is_bot: z.boolean().optional() }).optional(),
});

export type PageChange = z.infer<typeof pageChangeSchema>;
