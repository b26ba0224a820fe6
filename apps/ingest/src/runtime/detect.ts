import type { Runtime } from "./types.ts";

/** Picks the adapter of the runtime we run on; each is imported only there. */
export async function detectRuntime(): Promise<Runtime> {
  if ("Deno" in globalThis) return (await import("./deno.ts")).denoRuntime;
  return (await import("./node.ts")).nodeRuntime;
}
