import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { quietKnownWarnings } from "./warnings.ts";

describe("quietKnownWarnings", () => {
  it("drops kafkajs' negative-timeout warning and passes every other warning on", () => {
    const emitter = new EventEmitter();
    const printed: string[] = [];
    emitter.on("warning", (warning: Error) => printed.push(warning.name));
    quietKnownWarnings(emitter as never);
    emitter.emit(
      "warning",
      Object.assign(new Error("-1 is a negative number"), { name: "TimeoutNegativeWarning" }),
    );
    emitter.emit("warning", Object.assign(new Error("old API"), { name: "DeprecationWarning" }));
    expect(printed).toEqual(["DeprecationWarning"]);
  });
});
