export { env } from "./env.ts";
export { ConfigError, type ConfigProblem, describeConfig, loadConfig, redact } from "./load.ts";
