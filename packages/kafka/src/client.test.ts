import { describe, expect, it } from "vitest";
import { isExpectedKafkaWarning, producerSettings } from "./client.ts";

describe("producerSettings", () => {
  it("defaults to an idempotent producer with acks=all and one request in flight", () => {
    expect(producerSettings()).toMatchObject({
      acks: -1,
      config: { idempotent: true, maxInFlightRequests: 1 },
    });
  });
  it("refuses an idempotent producer with weaker acks", () => {
    expect(() => producerSettings({ acks: 1 })).toThrow(/idempotent producer needs acks=-1/);
  });
  it("allows weaker acks when idempotence is off", () => {
    expect(producerSettings({ idempotent: false, acks: 1 })).toMatchObject({ acks: 1 });
  });
});

describe("isExpectedKafkaWarning", () => {
  it("silences only the deliberate limited-retries warning", () => {
    expect(
      isExpectedKafkaWarning("Limiting retries for the idempotent producer may invalidate EoS guarantees"),
    ).toBe(true);
    expect(isExpectedKafkaWarning("Connection error: connect ECONNREFUSED")).toBe(false);
  });
});
