export { env } from "./env.ts";
export {
  ConfigError,
  type ConfigProblem,
  describeConfig,
  invalidSetting,
  loadConfig,
  redact,
} from "./load.ts";
