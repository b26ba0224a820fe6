import { describe, expect, it } from "vitest";
import { displayUrl } from "./client.ts";

describe("displayUrl", () => {
  it("strips credentials", () => {
    expect(displayUrl("http://admin:secret@127.0.0.1:9200/")).toBe("http://127.0.0.1:9200");
  });
  it("never echoes an unparseable value", () => {
    expect(displayUrl("::nope")).toBe("(invalid URL)");
  });
});
