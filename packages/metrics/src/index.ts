export { type BuildInfo, buildInfo, type RuntimeName, registerBuildInfo, runtimeOf } from "./build-info.ts";
export { describeExposition, type MetricDescription, namingProblems } from "./naming.ts";
export { createRegistry, freshnessBuckets, latencyBuckets, scrape } from "./registry.ts";
