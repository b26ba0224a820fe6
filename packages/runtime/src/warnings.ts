interface WarningEmitter {
  listeners(event: "warning"): ((warning: Error) => void)[];
  removeAllListeners(event: "warning"): unknown;
  on(event: "warning", listener: (warning: Error) => void): unknown;
}

/**
 * kafkajs 2.2.4 schedules its request-queue check with `setTimeout(fn, throttledUntil - now)` while
 * `throttledUntil` is still -1, which Node >= 23 reports as a TimeoutNegativeWarning on every start.
 * Node clamps the delay to 1 ms, which is what kafkajs meant, so that one warning is noise; every
 * other process warning still reaches the default printer.
 */
export function isKnownHarmlessWarning(warning: Error): boolean {
  return warning.name === "TimeoutNegativeWarning";
}

export function quietKnownWarnings(emitter: WarningEmitter): void {
  const printers = emitter.listeners("warning");
  emitter.removeAllListeners("warning");
  emitter.on("warning", (warning) => {
    if (isKnownHarmlessWarning(warning)) return;
    for (const print of printers) print(warning);
  });
}
