import { afterEach, describe, expect, it, vi } from "vitest";
import { describeKafkaSecurity, kafkaSecurityConfig } from "./security.ts";

const tls = { ca: "CA", rejectUnauthorized: true, verifyHostname: true };

describe("kafkaSecurityConfig", () => {
  it("is empty for plaintext", () => {
    expect(kafkaSecurityConfig(undefined)).toEqual({});
    expect(kafkaSecurityConfig({ ssl: undefined, sasl: undefined })).toEqual({});
  });

  it("passes TLS through, checking host names unless told not to", () => {
    const on = kafkaSecurityConfig({ ssl: tls, sasl: undefined }).ssl;
    expect(on).toEqual({ ca: "CA", rejectUnauthorized: true });
    const off = kafkaSecurityConfig({ ssl: { ...tls, verifyHostname: false }, sasl: undefined }).ssl as {
      checkServerIdentity: () => unknown;
    };
    expect(off.checkServerIdentity()).toBeUndefined();
  });

  it("passes SCRAM credentials", () => {
    const sasl = { mechanism: "scram-sha-512", username: "u", password: "p" } as const;
    expect(kafkaSecurityConfig({ ssl: tls, sasl }).sasl).toEqual(sasl);
  });

  it("turns AWS IAM into an OAUTHBEARER provider that signs for the region", async () => {
    const regions: string[] = [];
    const config = kafkaSecurityConfig(
      { ssl: tls, sasl: { mechanism: "aws", region: "eu-west-1" } },
      async (region) => {
        regions.push(region);
        return { token: "signed-token", expiryTime: Date.now() + 900_000 };
      },
    );
    const sasl = config.sasl as { mechanism: string; oauthBearerProvider: () => Promise<{ value: string }> };
    expect(sasl.mechanism).toBe("oauthbearer");
    expect(await sasl.oauthBearerProvider()).toEqual({ value: "signed-token" });
    expect(regions).toEqual(["eu-west-1"]);
  });
});

describe("AWS MSK IAM with AWS's own signer", () => {
  afterEach(() => vi.unstubAllEnvs());
  it("signs a kafka-cluster:Connect token for the region with credentials from the default chain", async () => {
    // The chain's first link: environment credentials (no network: signing is local).
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY");
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    const sasl = kafkaSecurityConfig({ ssl: tls, sasl: { mechanism: "aws", region: "eu-west-1" } }).sasl as {
      oauthBearerProvider: () => Promise<{ value: string }>;
    };
    const url = new URL(Buffer.from((await sasl.oauthBearerProvider()).value, "base64url").toString());
    expect(url.host).toBe("kafka.eu-west-1.amazonaws.com");
    expect(url.searchParams.get("Action")).toBe("kafka-cluster:Connect");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(
      /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/,
    );
  });
});

describe("describeKafkaSecurity", () => {
  it("names the protocol and user, never the password", () => {
    const described = describeKafkaSecurity({
      ssl: tls,
      sasl: { mechanism: "scram-sha-256", username: "u", password: "hunter2" },
    });
    expect(described).toEqual({ protocol: "SASL_SSL", mechanism: "scram-sha-256", username: "u" });
    expect(JSON.stringify(described)).not.toContain("hunter2");
    expect(describeKafkaSecurity(undefined).protocol).toBe("PLAINTEXT");
  });
});
