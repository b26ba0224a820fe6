export { sampleSum } from "./metrics.ts";
export { type RunNames, uniqueNames } from "./names.ts";
export { waitFor } from "./wait.ts";
