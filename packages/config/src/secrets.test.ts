import { describe, expect, it } from "vitest";
import { Problems, secretFromEnv } from "./secrets.ts";
import { fakeFiles } from "./testing.ts";

const read = fakeFiles({ "/run/secrets/pw": "s3cret\n", "/run/secrets/empty": "\n" });

describe("secretFromEnv", () => {
  it("takes the inline value", () => {
    const problems = new Problems();
    expect(secretFromEnv({ APP_PASSWORD: "pw" }, "APP_PASSWORD", problems, read)).toBe("pw");
    expect(problems.list).toEqual([]);
  });

  it("reads VAR_FILE without its trailing newline", () => {
    const problems = new Problems();
    expect(secretFromEnv({ APP_PASSWORD_FILE: "/run/secrets/pw" }, "APP_PASSWORD", problems, read)).toBe(
      "s3cret",
    );
    expect(problems.list).toEqual([]);
  });

  it("refuses both, naming both and never the secret", () => {
    const problems = new Problems();
    const raw = { APP_PASSWORD: "inline-pw", APP_PASSWORD_FILE: "/run/secrets/pw" };
    expect(secretFromEnv(raw, "APP_PASSWORD", problems, read)).toBeUndefined();
    expect(problems.list).toEqual([
      {
        variable: "APP_PASSWORD",
        value: "inline-pw",
        expected: "set either APP_PASSWORD or APP_PASSWORD_FILE, not both",
      },
    ]);
  });

  it("names the file it cannot read, and an empty one", () => {
    const problems = new Problems();
    secretFromEnv({ A_PASSWORD_FILE: "/nope" }, "A_PASSWORD", problems, read);
    secretFromEnv({ B_PASSWORD_FILE: "/run/secrets/empty" }, "B_PASSWORD", problems, read);
    expect(problems.list.map((p) => [p.variable, p.expected])).toEqual([
      ["A_PASSWORD_FILE", "cannot read the file /nope (ENOENT)"],
      ["B_PASSWORD_FILE", "the file /run/secrets/empty is empty"],
    ]);
  });

  it("is undefined when neither is set", () => {
    expect(secretFromEnv({}, "APP_PASSWORD", new Problems(), read)).toBeUndefined();
  });
});
