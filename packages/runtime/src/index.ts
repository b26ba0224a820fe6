export { detectRuntime } from "./detect.ts";
export type { Runtime } from "./types.ts";
export { isKnownHarmlessWarning, quietKnownWarnings } from "./warnings.ts";
