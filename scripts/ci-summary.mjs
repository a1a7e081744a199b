// Prints the plain line "N passed, N failed" (", N skipped") from vitest's JSON report,
// which is the line CI reads. Exits 1 when the report is missing or has failures.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.ci/vitest-report.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log('0 passed, 1 failed');
  console.error(`ci-summary: cannot read ${file}: ${e.message}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0) + (report.numFailedTestSuites && !report.numFailedTests ? report.numFailedTestSuites : 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
