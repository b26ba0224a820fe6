/**
 * V8 flags the indexer is started with on Node, wherever it is launched (`npm start`, the benchmark's
 * spawn, the Node lines of compose, k8s and the Dockerfile); bun ignores them (it runs JavaScriptCore).
 *
 * `--max-semi-space-size=4` (MiB; V8's default grows each of the young generation's semi-spaces to 16
 * MiB on 64-bit): the indexer allocates briefly-lived objects per record (the parsed event, its
 * strings, the record's Buffers), and a large young generation lets that garbage pile up before each
 * scavenge. Peak RSS during a 37k-record catch-up: ~345 MB at V8's default, ~240–265 MB with this, at no
 * measurable CPU cost (bench/results/2026-12-02-2core-indexer-cpu-rss.md). A unit test keeps
 * package.json's scripts in step.
 *
 * `--expose-gc`: gives the app V8's gc(), which the runner calls for a major collection each time
 * Buffers have grown by INDEXER_GC_EXTERNAL_BYTES (@wikistream/runtime external-memory.ts); without
 * it V8 lets ~64 MB of garbage Buffers pile up first.
 *
 * Wherever it is launched on Node it also gets NODE_COMPILE_CACHE (scripts/compile-cache.ts): the
 * package scripts, npm start and the benchmark set it, the image bakes the filled cache in.
 */
export const nodeFlags: readonly string[] = ["--max-semi-space-size=4", "--expose-gc"];
