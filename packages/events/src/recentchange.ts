import { z } from "zod";
import { envelopeSchema } from "./envelope.ts";

const nullableInt = z.number().int().nullable();

/**
 * mediawiki.recentchange (schema /mediawiki/recentchange/1.0.x). The schema requires only `$schema`
 * and `meta`; the other fields are typed when present because downstream mappings rely on them.
 */
export const recentChangeSchema = envelopeSchema.extend({
  id: nullableInt.optional(),
  // The schema allows "edit | new | log | categorize | external" or a number for unknown kinds.
  type: z.union([z.enum(["edit", "new", "log", "categorize", "external"]), z.number()]).optional(),
  namespace: z.number().int().optional(),
  title: z.string().optional(),
  title_url: z.string().optional(),
  comment: z.string().optional(),
  parsedcomment: z.string().optional(),
  timestamp: z.number().int().optional(),
  user: z.string().optional(),
  bot: z.boolean().optional(),
  minor: z.boolean().optional(),
  patrolled: z.boolean().optional(),
  length: z.looseObject({ old: nullableInt.optional(), new: nullableInt.optional() }).optional(),
  revision: z.looseObject({ old: nullableInt.optional(), new: nullableInt.optional() }).optional(),
  server_url: z.string().optional(),
  server_name: z.string().optional(),
  server_script_path: z.string().optional(),
  wiki: z.string().optional(),
  notify_url: z.string().optional(),
  log_id: nullableInt.optional(),
  log_type: z.string().nullable().optional(),
  log_action: z.string().optional(),
  log_action_comment: z.string().nullable().optional(),
  // Polymorphic in the wild: [] on deletes, {userid: …} on newusers, a string on some old events.
  log_params: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown()), z.string()]).optional(),
});

export type RecentChange = z.infer<typeof recentChangeSchema>;
