export { createOpsApp, type OpsDeps } from "./ops-app.ts";
