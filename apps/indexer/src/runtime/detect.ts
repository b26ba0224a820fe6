import type { Runtime } from "./types.ts";

/** Picks the adapter of the runtime we run on; each is imported only there. */
export async function detectRuntime(): Promise<Runtime> {
  if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined")
    return (await import("./bun.ts")).bunRuntime;
  return (await import("./node.ts")).nodeRuntime;
}
