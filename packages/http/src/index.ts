export type { LifecycleState } from "./lifecycle.ts";
export { createOpsApp, type OpsDeps } from "./ops-app.ts";
