import { recordHeaders as headers } from "@wikistream/events";
import { CompressionTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import type { OutboundRecord } from "../records/record.ts";
import { planAfterFailure, producerBatch, resendLater, resumeHeadersFor } from "./batch.ts";

const record = (topic: string, n: number, eventTimeMs: number | undefined): OutboundRecord => ({
  topic,
  key: `k${n}`,
  value: `{"n":${n}}`,
  headers: { h: `${n}` },
  sseId: `id-${n}`,
  metaId: `m${n}`,
  eventTimeMs,
  stream: undefined,
});

describe("resumeHeadersFor", () => {
  it("names the last acknowledged id, else a since one second before the batch's oldest event", () => {
    const batch = [record("t", 1, 5_000), record("t", 2, 3_000)];
    expect(resumeHeadersFor(batch, "id-0", "1")).toEqual({ [headers.resumeId]: "id-0" });
    expect(resumeHeadersFor(batch, undefined, "1")).toEqual({ [headers.resumeSince]: "2000" });
  });

  it("a batch of dead letters only resumes from where the run started", () => {
    expect(resumeHeadersFor([record("dlq", 1, undefined)], undefined, "1234")).toEqual({
      [headers.resumeSince]: "1234",
    });
  });
});

describe("producerBatch", () => {
  it("groups by topic in order, gzip-compressed, each record with its own and the batch's resume headers", () => {
    const resume = { [headers.resumeId]: "id-0" };
    const request = producerBatch([record("a", 1, 1), record("b", 2, 2), record("a", 3, 3)], resume, -1);
    expect(request.acks).toBe(-1);
    expect(request.compression).toBe(CompressionTypes.GZIP);
    expect(request.topicMessages?.map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([
      ["a", ["k1", "k3"]],
      ["b", ["k2"]],
    ]);
    expect(request.topicMessages?.[0]?.messages[0]?.headers).toEqual({ h: "1", [headers.resumeId]: "id-0" });
  });
});

describe("planAfterFailure", () => {
  it("shrinks a too-large batch, resends a transient failure with backoff, a non-retriable one at the ceiling", () => {
    expect(planAfterFailure("too_large")).toEqual({ kind: "shrink" });
    expect(planAfterFailure("retry")).toBe(resendLater);
    expect(planAfterFailure("non_retriable")).toMatchObject({
      kind: "resend",
      delay: "ceiling",
      level: "error",
      blocked: true,
    });
  });

  it("renews the producer after a sequence error, and is blocked when the new producer gets one too", () => {
    expect(planAfterFailure("sequence")).toEqual({ kind: "renew" });
    expect(planAfterFailure("sequence", "retry")).toEqual({ kind: "renew" });
    expect(planAfterFailure("sequence", "sequence")).toMatchObject({ kind: "resend", blocked: true });
    expect(planAfterFailure("retry", "non_retriable")).toMatchObject({ blocked: false });
  });
});
