#!/usr/bin/env node
/**
 * Reads vitest's JSON report and prints the closing line of a CI run:
 *
 *   vitest: N passed, M failed[, K skipped]
 *
 * Exits 0 only when the report exists, at least one test ran, none failed, and vitest itself
 * called the run a success (an unhandled error or a test file that failed to load makes it fail
 * even when every collected test passed). The line is always the last thing printed, so a CI
 * log ends with the count whatever happened before it.
 *
 * Usage: node scripts/vitest-summary.mjs [report.json]   (default: .vitest/report.json)
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const reportPath = resolve(process.argv[2] ?? '.vitest/report.json')

/** Prints the reasons first and the count line last, then exits with the given status. */
function finish(line, status, reasons = []) {
  for (const reason of reasons) console.log(reason)
  console.log(line)
  process.exit(status)
}

if (!existsSync(reportPath)) {
  finish('vitest: no report, the test run did not finish', 1, [
    `No vitest JSON report at ${reportPath}: vitest did not finish: it crashed, timed out, or never started because the build before it failed.`,
  ])
}

let report
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'))
} catch (error) {
  finish('vitest: unreadable report', 1, [
    `The vitest report at ${reportPath} is not valid JSON: ${error.message.split('\n')[0]}`,
  ])
}

const count = (key) => (Number.isInteger(report[key]) ? report[key] : 0)
const passed = count('numPassedTests')
const failed = count('numFailedTests')
const skipped = count('numPendingTests') + count('numTodoTests')

const reasons = []
for (const file of report.testResults ?? []) {
  const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed')
  for (const test of failedTests) reasons.push(`FAILED ${file.name} > ${test.fullName ?? test.title}`)
  // A file that failed to load (syntax error, import error, failing hook) has no failed test of its own.
  if (file.status === 'failed' && failedTests.length === 0) {
    const message = String(file.message ?? '').split('\n')[0]
    reasons.push(`FAILED ${file.name}: ${message || 'the file failed outside any test'}`)
  }
}
if (passed + failed === 0)
  reasons.push('No test ran: a run that collects no test is a broken run, never a green one.')
if (report.success === false && failed === 0 && reasons.length === 0) {
  reasons.push('vitest reported the run as failed (an unhandled error outside tests?): see the log above.')
}

const line = `vitest: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`
const ok = passed > 0 && failed === 0 && report.success !== false && reasons.length === 0
finish(line, ok ? 0 : 1, reasons)
