// Prints one closing line for the whole run ("N passed, N failed"), summed over vitest's JSON reports.
// A test file that fails outside its tests (a throwing beforeAll, an import error) has no failed test
// to count, so such files are counted as failures of their own.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The parts of vitest's JSON report (Jest's format) that the summary reads. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites?: number;
  testResults?: { name: string; status: string; assertionResults?: { status: string }[] }[];
}

export interface Summary {
  passed: number;
  /** Failed tests, plus files that failed with no failed test, plus reports that are missing. */
  failed: number;
  skipped: number;
  /** Files that failed before (or outside) their tests, so no test of theirs shows the failure. */
  suitesFailedOutsideTests: string[];
  missingReports: string[];
}

export function summarize(reports: readonly { file: string; report: VitestReport | undefined }[]): Summary {
  const summary: Summary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    suitesFailedOutsideTests: [],
    missingReports: [],
  };
  for (const { file, report } of reports) {
    if (!report) {
      summary.missingReports.push(file);
      summary.failed++;
      continue;
    }
    summary.passed += report.numPassedTests;
    summary.failed += report.numFailedTests;
    summary.skipped += report.numPendingTests + report.numTodoTests;
    for (const suite of report.testResults ?? []) {
      const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === "failed").length;
      if (suite.status === "failed" && failedTests === 0) {
        summary.suitesFailedOutsideTests.push(suite.name);
        summary.failed++;
      }
    }
  }
  return summary;
}

export function closingLine(summary: Summary): string {
  const notes: string[] = [];
  const outside = summary.suitesFailedOutsideTests.length;
  if (outside > 0) {
    notes.push(
      `${outside} ${outside === 1 ? "suite" : "suites"} failed before ${outside === 1 ? "its" : "their"} tests ran`,
    );
  }
  const missing = summary.missingReports.length;
  if (missing > 0) notes.push(`${missing} ${missing === 1 ? "run" : "runs"} left no report`);
  const failed =
    notes.length > 0 ? `${summary.failed} failed (${notes.join("; ")})` : `${summary.failed} failed`;
  return `wikistream: ${summary.passed} passed, ${failed}, ${summary.skipped} skipped`;
}

function main(files: readonly string[]): void {
  const reports = files.map((file) => {
    if (!existsSync(file)) {
      console.error(`test-summary: no report at ${file} (that vitest run did not finish)`);
      return { file, report: undefined };
    }
    return { file, report: JSON.parse(readFileSync(file, "utf8")) as VitestReport };
  });
  const summary = summarize(reports);
  for (const suite of summary.suitesFailedOutsideTests) {
    console.error(
      `test-summary: ${suite} failed outside its tests (a hook or the import); see its output above`,
    );
  }
  console.log(`\n${closingLine(summary)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main(process.argv.slice(2));
