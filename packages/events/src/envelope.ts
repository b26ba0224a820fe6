import { z } from "zod";

// EventStreams' meta.id is a UUID and is our idempotency key (Kafka key prefix, OpenSearch _id),
// so it is validated strictly; everything else in meta is descriptive.
const uuidPattern = /^[a-fA-F0-9]{8}(-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}$/;

// meta.dt comes as "2023-07-29T07:51:39Z", with milliseconds from 2025, and "+00:00" offsets in
// legacy events: accept anything Date.parse understands that carries a date and a time.
const dateTime = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: "expected an ISO-8601 date-time",
  });

export const metaSchema = z.looseObject({
  id: z.string().regex(uuidPattern, "expected a UUID"),
  dt: dateTime,
  stream: z.string().min(1),
  domain: z.string().optional(),
  uri: z.string().optional(),
  request_id: z.string().optional(),
  topic: z.string().optional(),
  partition: z.number().int().optional(),
  offset: z.number().int().optional(),
});

/** Every Wikimedia event platform event: `$schema` and `meta` are the only fields all streams share. */
export const envelopeSchema = z.looseObject({
  $schema: z.string().min(1),
  meta: metaSchema,
});

export type Meta = z.infer<typeof metaSchema>;
export type Envelope = z.infer<typeof envelopeSchema>;

export { dateTime as dateTimeSchema };
