import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { errorMessage, ReplayError } from "./errors.ts";
import { type ParseOptions, parseNdjson, parseSse } from "./parse-recording.ts";
import type { RecordedEvent } from "./recorded-event.ts";
import { SCHEMA_EXAMPLES, sharedDataDir } from "./shared-data.ts";

export type RecordingFormat = "sse" | "ndjson";

export interface LoadOptions extends ParseOptions {
  /** Needed only when the extension is neither `.sse` nor `.ndjson`/`.jsonl`. */
  format?: RecordingFormat;
}

function formatOf(path: string, options: LoadOptions): RecordingFormat {
  if (options.format !== undefined) return options.format;
  const ext = extname(path).toLowerCase();
  if (ext === ".sse") return "sse";
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  throw new ReplayError("invalid_option", `${path}: unknown recording format "${ext}" (pass format)`, {
    file: path,
  });
}

// Invalid UTF-8 must not turn silently into U+FFFD: the replay promises the recorded bytes.
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads a raw `.sse` capture or an `.ndjson` file. Errors name the file and, when known, the line. */
export async function loadRecording(path: string, options: LoadOptions = {}): Promise<RecordedEvent[]> {
  const format = formatOf(path, options);
  let text: string;
  try {
    text = utf8.decode(await readFile(path));
  } catch (cause) {
    throw new ReplayError("recording_unreadable", `${path}: cannot read recording (${errorMessage(cause)})`, {
      file: path,
      cause,
    });
  }
  return format === "sse" ? parseSse(text, path, options) : parseNdjson(text, path, options);
}

export interface LoadAllOptions extends ParseOptions {
  /** Folder to read; default `sharedDataDir()`. */
  dir?: string;
  /** Also load `schema-examples.ndjson` (hand-written examples, not traffic). */
  includeSchemaExamples?: boolean;
}

/**
 * Every `.sse` and `.ndjson` recording in the shared folder, concatenated in file-name order
 * (so a stream's order, and thus its replay offsets, is stable from run to run).
 */
export async function loadAllRecordings(options: LoadAllOptions = {}): Promise<RecordedEvent[]> {
  const dir = options.dir ?? sharedDataDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new ReplayError("recording_unreadable", `${dir}: cannot list recordings (${errorMessage(cause)})`, {
      file: dir,
      cause,
    });
  }
  const files = names
    .filter((name) => /\.(sse|ndjson)$/.test(name))
    .filter((name) => options.includeSchemaExamples === true || name !== SCHEMA_EXAMPLES)
    .sort();
  const loaded = await Promise.all(files.map((name) => loadRecording(join(dir, name), options)));
  return loaded.flat();
}
