import type { z } from "zod";

export interface ConfigProblem {
  variable: string;
  value: string | undefined;
  expected: string;
}

// Values of these variables never appear in messages or logs.
const secretName = /PASSWORD|SECRET|TOKEN|KEY/i;

/**
 * Everything between `//` (or the start) and the last `@`: the user-info of anything URL-shaped,
 * parseable or not (an invalid OPENSEARCH_URL was printed with its password). A password may hold
 * any character when the URL is invalid anyway, so this over-redacts rather than parse.
 */
function withoutUserInfo(value: string): string {
  const at = value.lastIndexOf("@");
  if (at < 0) return value;
  const scheme = value.indexOf("//");
  const start = scheme >= 0 && scheme < at ? scheme + 2 : 0;
  return `${value.slice(0, start)}(redacted)${value.slice(at)}`;
}

export function redact(variable: string, value: string | undefined): string {
  if (value === undefined) return "(unset)";
  return secretName.test(variable) ? "(redacted)" : JSON.stringify(withoutUserInfo(value));
}

export class ConfigError extends Error {
  readonly code = "config_invalid";
  readonly problems: readonly ConfigProblem[];

  constructor(app: string, problems: ConfigProblem[]) {
    const lines = problems.map((p) => `  ${p.variable}=${redact(p.variable, p.value)}: ${p.expected}`);
    super(
      `${app}: invalid configuration (fix these environment variables, see .env.example):\n${lines.join("\n")}`,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** One bad variable found after parsing (a rule across variables): the same message as loadConfig's. */
export function invalidSetting(app: string, variable: string, value: unknown, expected: string): ConfigError {
  return new ConfigError(app, [
    { variable, value: value === undefined ? undefined : String(value), expected },
  ]);
}

/**
 * Parses the environment with an app's schema (keys are variable names). Every problem is reported
 * at once, and the result is frozen so nothing mutates configuration after start.
 */
export function loadConfig<S extends z.ZodObject>(
  app: string,
  schema: S,
  source: Record<string, string | undefined>,
): Readonly<z.infer<S>> {
  // An empty string means "unset" for env vars, so defaults apply (as in docker-compose files).
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, source[key] === "" ? undefined : source[key]]),
  );
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? "(config)");
      return { variable, value: input[variable], expected: issue.message };
    });
    throw new ConfigError(app, problems);
  }
  return Object.freeze(result.data);
}

/** Lists every variable of a schema with its default, for `.env.example` and `--help`. */
export function describeConfig(schema: z.ZodObject): { variable: string; default: unknown }[] {
  return Object.entries(schema.shape).map(([variable, field]) => {
    const parsed = (field as z.ZodType).safeParse(undefined);
    return { variable, default: parsed.success ? parsed.data : undefined };
  });
}
