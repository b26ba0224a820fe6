export { createOpsApp, type OpsDeps } from "./ops-app.ts";
export type { LifecycleState } from "./lifecycle.ts";
