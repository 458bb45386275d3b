// Reads vitest's JSON report and prints what a person needs at the end of `npm test`: every
// skipped test with the reason its name carries, then one plain closing line that CI log readers
// understand (`Tests: N passed, N failed, N skipped`).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** @returns {{ passed: number, failed: number, skipped: number } | undefined} */
export function summarizeReport(reportFile, root, log = console.log) {
  if (!existsSync(reportFile)) return undefined;
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const skippedTests = [];
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'pending' || test.status === 'skipped' || test.status === 'todo') {
        skippedTests.push(`${path.relative(root, file.name)} › ${test.fullName ?? test.title}`);
      }
    }
  }
  if (skippedTests.length > 0) {
    log(`\nSkipped (the reason is in each name):`);
    for (const line of skippedTests) log(`  - ${line}`);
  }
  const summary = {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
  log(`\nTests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  return summary;
}
