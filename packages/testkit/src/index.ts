export { sampleSum } from "./metrics.ts";
export { type RunNames, uniqueNames } from "./names.ts";
export { otherCa } from "./other-ca.ts";
export {
  prefixedPorts,
  type SecureStack,
  type SecureStackOptions,
  startSecureStack,
} from "./secure-stack.ts";
export { waitFor } from "./wait.ts";
