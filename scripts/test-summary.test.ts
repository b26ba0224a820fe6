import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { closingLine, summarize, type VitestReport } from "./test-summary.ts";

const vitestBin = fileURLToPath(new URL("../node_modules/.bin/vitest", import.meta.url));

/** Runs real vitest on one generated test file and returns its JSON report. */
async function reportOf(source: string): Promise<VitestReport> {
  const dir = await mkdtemp(join(tmpdir(), "wikistream-summary-"));
  try {
    await writeFile(join(dir, "fixture.test.ts"), source);
    await writeFile(join(dir, "vitest.config.ts"), "export default {};\n");
    const out = join(dir, "report.json");
    await promisify(execFile)(vitestBin, ["run", "--root", dir, "--reporter=json", `--outputFile=${out}`], {
      cwd: dir,
    }).catch(() => {}); // a failing run exits 1; the report is what matters
    return JSON.parse(await readFile(out, "utf8")) as VitestReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the closing line of npm test", () => {
  it("regression: a suite whose beforeAll throws was summed as '0 failed'", async () => {
    const report = await reportOf(`
      import { beforeAll, it } from "vitest";
      beforeAll(() => { throw new Error("ingest exited waiting for Prometheus"); });
      it("never runs", () => {});
    `);
    const line = closingLine(summarize([{ file: "integration.json", report }]));
    expect(line).toMatch(
      /^wikistream: 0 passed, 1 failed \(1 suite failed before its tests ran\), \d+ skipped$/,
    );
  }, 60_000);

  it("counts failed tests once, without also counting their suite", async () => {
    const report = await reportOf(`
      import { expect, it } from "vitest";
      it("passes", () => {});
      it("fails", () => { expect(1).toBe(2); });
    `);
    expect(closingLine(summarize([{ file: "unit.json", report }]))).toBe(
      "wikistream: 1 passed, 1 failed, 0 skipped",
    );
  }, 60_000);

  it("counts a missing report as a failure", () => {
    const summary = summarize([{ file: "integration.json", report: undefined }]);
    expect(closingLine(summary)).toBe("wikistream: 0 passed, 1 failed (1 run left no report), 0 skipped");
  });
});
