export { detectRuntime } from "./detect.ts";
export { decideExternalMemory, ExternalMemoryCollector } from "./external-memory.ts";
export { type AppParts, type AppSpec, type RunnableService, runApp } from "./run-app.ts";
export type { Runtime } from "./types.ts";
