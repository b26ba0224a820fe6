import { eventTimeMs } from "../../index/event-time.ts";
import type { Transform } from "./types.ts";

type WithMeta = { meta: { dt: string; domain?: string | undefined } };

/** `event_time` from meta.dt (server receive time), normalised; throws on an unparseable date. */
export const eventTime: Transform<WithMeta> = {
  name: "event_time",
  apply: (event) => ({ event_time: new Date(eventTimeMs(event.meta.dt)).toISOString() }),
};
