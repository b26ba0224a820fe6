export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const secretField = /password|secret|token|authorization/i;

function serialise(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (secretField.test(key)) out[key] = "(redacted)";
    else if (value instanceof Error)
      out[key] = { message: value.message, code: (value as { code?: unknown }).code };
    else out[key] = value;
  }
  return out;
}

/**
 * One JSON object per line on stderr-like sinks: machine-parseable by log shippers, with the context
 * (topic, partition, offset, URL) as fields rather than interpolated into the message.
 */
export function createLogger(
  options: { level?: LogLevel; base?: LogFields; write?: (line: string) => void } = {},
): Logger {
  const threshold = order[options.level ?? "info"];
  const write = options.write ?? ((line: string) => console.log(line));
  const base = options.base ?? {};
  const emit = (level: LogLevel, message: string, fields?: LogFields) => {
    if (order[level] < threshold) return;
    write(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        msg: message,
        ...serialise({ ...base, ...fields }),
      }),
    );
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** A logger that discards everything, for tests that do not assert on logs. */
export const silentLogger: Logger = createLogger({ write: () => {} });
