import { describe, expect, it } from "vitest";
import { describeExposition, namingProblems } from "./naming.ts";

const problems = (name: string, type = "gauge", help = "") => namingProblems({ name, type, help });

describe("namingProblems", () => {
  it("accepts names with their base unit last", () => {
    expect(problems("wikistream_ingest_behind_seconds")).toEqual([]);
    expect(
      problems("wikistream_indexer_bulk_request_duration_seconds", "histogram", "Time of one request."),
    ).toEqual([]);
    expect(problems("wikistream_indexer_bulk_request_bytes", "histogram", "Body size.")).toEqual([]);
    expect(problems("wikistream_ingest_received_bytes_total", "counter", "Bytes read.")).toEqual([]);
    expect(problems("wikistream_verify_last_run_timestamp_seconds", "gauge", "When it finished.")).toEqual(
      [],
    );
    expect(problems("wikistream_indexer_consumer_lag_records")).toEqual([]);
    expect(problems("wikistream_build_info")).toEqual([]);
  });

  it("wants _total on counters, and only on counters", () => {
    expect(problems("wikistream_indexer_rebalances", "counter")).toEqual([
      "wikistream_indexer_rebalances: a counter ends in _total",
    ]);
    expect(problems("wikistream_indexer_pending_total", "gauge")).toEqual([
      "wikistream_indexer_pending_total: only counters end in _total",
    ]);
  });

  it("wants the unit last: seconds_behind is behind_seconds", () => {
    expect(problems("wikistream_ingest_seconds_behind")).toEqual([
      'wikistream_ingest_seconds_behind: the unit "seconds" goes last (…_seconds)',
      "wikistream_ingest_seconds_behind: measures time: end in _seconds",
    ]);
  });

  it("refuses scaled units", () => {
    expect(problems("wikistream_x_duration_ms", "histogram")).toContain(
      'wikistream_x_duration_ms: "ms" is not a base unit (seconds, bytes)',
    );
    expect(problems("wikistream_x_size_kilobytes")).toContain(
      'wikistream_x_size_kilobytes: "kilobytes" is not a base unit (seconds, bytes)',
    );
  });

  it("wants a unit where the name says it measures time or a size, or the help names the unit", () => {
    expect(problems("wikistream_x_freshness", "histogram")).toEqual([
      "wikistream_x_freshness: measures time: end in _seconds",
    ]);
    expect(problems("wikistream_x_wait", "histogram", "Seconds spent waiting.")).toEqual([
      "wikistream_x_wait: measures time: end in _seconds",
    ]);
    expect(problems("wikistream_x_body", "histogram", "Bytes of each request body.")).toEqual([
      "wikistream_x_body: measures a size: end in _bytes",
    ]);
  });

  it("does not read a duration into a help that only mentions time", () => {
    expect(problems("wikistream_x_auth_failures_total", "counter", "Attempts refused at run time.")).toEqual(
      [],
    );
  });

  it("wants a lag to say records or seconds", () => {
    expect(problems("wikistream_indexer_consumer_lag")).toEqual([
      "wikistream_indexer_consumer_lag: a lag names its unit: _records or _seconds",
    ]);
  });

  it("wants an _info metric to be a gauge", () => {
    expect(problems("wikistream_build_info", "counter")).toContain(
      "wikistream_build_info: an _info metric is a gauge",
    );
  });
});

describe("describeExposition", () => {
  it("reads name, type and help from the # HELP and # TYPE lines", () => {
    const text = [
      "# HELP a_total Things done.",
      "# TYPE a_total counter",
      'a_total{x="1"} 2',
      "# HELP b_seconds Time taken.",
      "# TYPE b_seconds histogram",
      'b_seconds_bucket{le="1"} 1',
      "# TYPE c gauge",
      "c 1",
    ].join("\n");
    expect(describeExposition(text)).toEqual([
      { name: "a_total", type: "counter", help: "Things done." },
      { name: "b_seconds", type: "histogram", help: "Time taken." },
      { name: "c", type: "gauge", help: "" },
    ]);
  });
});
