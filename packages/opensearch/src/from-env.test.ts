import { describe, expect, it } from "vitest";
import { openSearchOptionsFromEnv } from "./from-env.ts";

describe("openSearchOptionsFromEnv", () => {
  it("resolves OPENSEARCH_URL and the connection variables as the indexer does", () => {
    const env = {
      OPENSEARCH_URL: "https://os-1:9200,https://os-2:9200",
      OPENSEARCH_USERNAME: "ops",
      OPENSEARCH_PASSWORD: "pw",
    };
    expect(openSearchOptionsFromEnv("tool", env)).toMatchObject({
      url: ["https://os-1:9200", "https://os-2:9200"],
      auth: { kind: "basic", username: "ops", password: "pw" },
    });
  });
  it("given the nodes, does not read OPENSEARCH_URL (not even to validate it)", () => {
    const env = { OPENSEARCH_URL: "not a url" };
    expect(openSearchOptionsFromEnv("tool", env, ["http://os-3:9200"]).url).toEqual(["http://os-3:9200"]);
    expect(() => openSearchOptionsFromEnv("tool", env)).toThrow(/OPENSEARCH_URL="not a url"/);
  });
});
