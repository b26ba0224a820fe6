/**
 * V8 flags ingest is started with on Node, wherever it is launched: `npm start`/`npm run dev`, the
 * Dockerfile's default command, compose, the k8s Deployment, and the benchmark (its ingest child in
 * parts a and d, and the spawned app in part c; the results say so). A unit test keeps them in step.
 *
 * `--max-semi-space-size=2` (MiB; V8's default lets each of the young generation's semi-spaces grow
 * far larger on a 64-bit machine with plenty of memory): ingest allocates briefly-lived objects per
 * event (the frame's text, the parsed event, kafkajs' per-record Buffers), and a large young
 * generation lets that garbage pile up between scavenges, heap total ~180 MB for a live set of ~30 MB.
 * With it: heap peak ~60 MB, peak RSS ~90 MB lower, and less CPU per event, not more
 * (bench/results/2026-12-02-2core-ingest-h3-*.md). Deno takes the same flag as --v8-flags=….
 *
 * `--expose-gc`: gives the app V8's gc(), which the runner calls for a major collection each time
 * Buffers have grown by INGEST_GC_EXTERNAL_BYTES (@wikistream/runtime external-memory.ts); without
 * it V8 lets ~64 MB of garbage Buffers pile up first.
 *
 * Wherever it is launched on Node it also gets NODE_COMPILE_CACHE (scripts/compile-cache.ts): the
 * package scripts, npm start and the benchmark set it, the image bakes the filled cache in.
 */
export const nodeFlags: readonly string[] = ["--max-semi-space-size=2", "--expose-gc"];
