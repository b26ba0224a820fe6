export { runDlq } from "./dlq/command.ts";
export { decodeLetter, indexerLetterHeaders, type Letter, redriveHeader } from "./dlq/letter.ts";
export { planRedrive, type RedriveStep } from "./dlq/redrive-plan.ts";
export { runIndices } from "./indices/command.ts";
export { ismPolicy } from "./indices/ism.ts";
export { bucketOf, planPrune } from "./indices/plan.ts";
export type { Io } from "./io.ts";
export { runCommand, USAGE } from "./main.ts";
export { runVerify } from "./verify/command.ts";
