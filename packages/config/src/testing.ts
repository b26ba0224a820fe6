// Test support for this package's unit tests (not exported by index.ts).
import { ConfigError } from "./load.ts";
import type { ReadFile } from "./secrets.ts";

export const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
export const KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

/** A file system holding only `files`; any other path fails as a missing file does (ENOENT). */
export function fakeFiles(files: Readonly<Record<string, string>>): ReadFile {
  return (path) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return content;
  };
}

/** The variables a ConfigError names and its message; fails when `resolve` throws none. */
export function problemsOf(resolve: () => unknown): { variables: string[]; message: string } {
  try {
    resolve();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { variables: error.problems.map((p) => p.variable), message: error.message };
  }
  throw new Error("expected a ConfigError");
}
