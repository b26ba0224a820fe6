import { describe, expect, it } from "vitest";
import { producerSettings } from "./client.ts";

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
