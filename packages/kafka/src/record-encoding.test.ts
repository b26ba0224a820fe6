import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// patches/kafkajs+2.2.4.patch sizes kafkajs' record encoders exactly. Upstream each record started a
// 512-byte buffer and doubled it (a 1.3 KB event: 512 + 2,048 bytes), each header took 512 bytes, and
// the batch's records were copied into another doubling buffer: ~7 KB of Buffers per 1 KB event sent,
// which ingest's garbage collections (INGEST_GC_EXTERNAL_BYTES) then had to keep up with.
const require = createRequire(import.meta.url);
type Encoder = { buf: Buffer; offset: number; buffer: Buffer };
const Record = require("kafkajs/src/protocol/recordBatch/record/v0") as (record: object) => Encoder;
const RecordDecoder = require("kafkajs/src/protocol/recordBatch/record/v0/decoder") as (
  decoder: unknown,
  batch: object,
) => {
  key: Buffer;
  value: Buffer;
  headers: Record<string, Buffer>;
};
const Decoder = require("kafkajs/src/protocol/decoder") as new (
  buffer: Buffer,
) => { readVarInt(): number; canReadBytes(n: number): boolean };

const value = JSON.stringify({
  $schema: "/mediawiki/recentchange/1.0.0",
  title: "Ünïcode ✓",
  comment: "x".repeat(1200),
});
const headers = {
  "wikistream-stream": "mediawiki.recentchange",
  "wikistream-meta-id": "5a3e1b2c-0000-4000-8000-000000000000",
  "wikistream-sse-id": '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":17312}]',
  binary: Buffer.from([0, 1, 2, 255]),
};

describe("kafkajs record encoding (patched)", () => {
  it("allocates exactly the bytes a record takes, and the record decodes to what was sent", () => {
    const encoder = Record({ key: "enwiki:Ünïcode ✓", value, headers, offsetDelta: 3, timestampDelta: 5 });
    expect(encoder.buf.length).toBe(encoder.offset);
    const decoder = new Decoder(encoder.buffer);
    // The length prefix, as the batch decoder reads it before the record.
    const length = decoder.readVarInt();
    expect(encoder.offset - length).toBeLessThanOrEqual(5);
    const decoded = RecordDecoder(decoder, { firstOffset: "0", firstTimestamp: "0" });
    expect(decoded.key.toString()).toBe("enwiki:Ünïcode ✓");
    expect(decoded.value.toString()).toBe(value);
    expect(Object.keys(decoded.headers)).toEqual(Object.keys(headers));
    expect(decoded.headers["wikistream-sse-id"]?.toString()).toBe(headers["wikistream-sse-id"]);
    expect(decoded.headers.binary).toEqual(headers.binary);
  });

  it("still grows when a caller's size is short: the size is an allocation hint, never a limit", () => {
    const Encoder = require("kafkajs/src/protocol/encoder") as new (
      size: number,
      exact: boolean,
    ) => Encoder & {
      writeVarIntBytes(value: string): Encoder;
    };
    const encoder = new Encoder(4, true).writeVarIntBytes(value);
    expect(encoder.buffer.subarray(-10).toString()).toBe(value.slice(-10));
  });
});
