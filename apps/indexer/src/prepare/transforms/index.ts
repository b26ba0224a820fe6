export { eventTime } from "./common.ts";
export { pageChangeBytes, pageChangeEditor, pageChangeSite } from "./page-change.ts";
export {
  recentChangeBytes,
  recentChangeEditor,
  recentChangeLogParams,
  recentChangeSite,
} from "./recentchange.ts";
export type { DerivedFields, Transform, TransformSet } from "./types.ts";
export { isIpAddress, isTemporaryAccount, siteOf } from "./wiki.ts";
