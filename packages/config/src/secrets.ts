import { readFileSync } from "node:fs";
import type { ConfigProblem } from "./load.ts";

/** Reads a file named by a variable; injected in tests. Node, Bun and Deno all provide node:fs. */
export type ReadFile = (path: string) => string;

export const readTextFile: ReadFile = (path) => readFileSync(path, "utf8");

/** Parsed variables by name, as loadConfig returns them. */
export type RawEnv = Readonly<Record<string, unknown>>;

/**
 * Collects every problem of a cross-variable check, so all of them are reported at once, the same way
 * loadConfig reports zod's.
 */
export class Problems {
  readonly #list: ConfigProblem[] = [];

  add(variable: string, value: unknown, expected: string): void {
    this.#list.push({ variable, value: value === undefined ? undefined : String(value), expected });
  }

  get list(): readonly ConfigProblem[] {
    return this.#list;
  }
}

function stringOf(raw: RawEnv, variable: string): string | undefined {
  const value = raw[variable];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A variable another setting needs (an AWS region for IAM auth, say): a problem when it is unset. */
export function requiredFromEnv(
  raw: RawEnv,
  variable: string,
  problems: Problems,
  expected: string,
): string | undefined {
  const value = raw[variable];
  if (typeof value === "string") return value;
  problems.add(variable, undefined, expected);
  return undefined;
}

/**
 * A secret given inline (`VAR`) or as a file (`VAR_FILE`, as Docker and Kubernetes mount secrets).
 * Both set is refused: which one wins would be a guess. A file's trailing newline is not part of the
 * secret (`echo pw > file` writes one).
 */
export function secretFromEnv(
  raw: RawEnv,
  variable: string,
  problems: Problems,
  read: ReadFile = readTextFile,
): string | undefined {
  const inline = stringOf(raw, variable);
  const file = stringOf(raw, `${variable}_FILE`);
  if (inline !== undefined && file !== undefined) {
    problems.add(variable, inline, `set either ${variable} or ${variable}_FILE, not both`);
    return undefined;
  }
  if (file === undefined) return inline;
  const content = readNamedFile(`${variable}_FILE`, file, problems, read);
  if (content === undefined) return undefined;
  const secret = content.replace(/\r?\n$/, "");
  if (secret === "") problems.add(`${variable}_FILE`, file, `the file ${file} is empty`);
  return secret === "" ? undefined : secret;
}

/** A file named by a variable (a PEM bundle, say), or undefined when the variable is unset. */
export function fileFromEnv(
  raw: RawEnv,
  variable: string,
  problems: Problems,
  read: ReadFile = readTextFile,
): string | undefined {
  const path = stringOf(raw, variable);
  return path === undefined ? undefined : readNamedFile(variable, path, problems, read);
}

function readNamedFile(
  variable: string,
  path: string,
  problems: Problems,
  read: ReadFile,
): string | undefined {
  try {
    return read(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // The path is not a secret, and naming it is what makes the message fixable; the file's content is.
    problems.add(
      variable,
      path,
      `cannot read the file ${path} (${typeof code === "string" ? code : "error"})`,
    );
    return undefined;
  }
}

/** PEM text, checked for the block a variable promises, so a key in the CA variable is caught at start. */
export function expectPem(
  variable: string,
  path: unknown,
  content: string | undefined,
  label: RegExp,
  what: string,
  problems: Problems,
): string | undefined {
  if (content === undefined) return undefined;
  if (!new RegExp(`-----BEGIN ${label.source}-----`).test(content)) {
    problems.add(variable, path, `expected a PEM file with ${what}`);
    return undefined;
  }
  return content;
}
