export { createRegistry, freshnessBuckets, latencyBuckets, scrape } from "./registry.ts";
