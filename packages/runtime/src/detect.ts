import type { Runtime } from "./types.ts";

/** The adapter of the runtime we run on; each adapter is imported only there. */
export async function detectRuntime(): Promise<Runtime> {
  if ("Deno" in globalThis) return (await import("./deno.ts")).denoRuntime;
  if ("Bun" in globalThis) return (await import("./bun.ts")).bunRuntime;
  return (await import("./node.ts")).nodeRuntime;
}
