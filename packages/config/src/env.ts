import { z } from "zod";

/**
 * zod builders for environment variables. Each takes the documented default and turns the raw string
 * into a typed value, so one schema per app both validates and documents its configuration.
 */
export const env = {
  string: (fallback: string) => z.string().trim().min(1).default(fallback),
  optionalString: () => z.string().trim().min(1).optional(),
  int: (fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
    z.coerce.number().int().min(min).max(max).default(fallback),
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(["true", "false", "1", "0", "yes", "no"], { message: "expected true or false" })
      .default(fallback ? "true" : "false")
      .transform((value) => value === "true" || value === "1" || value === "yes"),
  url: (fallback: string) =>
    z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).default(fallback),
  /** Comma-separated list; blanks dropped. */
  list: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((value) =>
        value
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string()).min(1, "expected at least one comma-separated value")),
  enumOf: <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
    z.enum(values).default(fallback as never),
};
