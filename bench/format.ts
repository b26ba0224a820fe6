/** How numbers and progress lines look in the output. */
import { round } from "./lib/stats.ts";

export const say = (line: string) => console.log(`… ${line}`);

export const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? round(value, digits).toLocaleString("en-US") : "n/a";

export const mb = (bytes: number) => bytes / 1e6;
