#!/usr/bin/env node
/**
 * Reads vitest's JSON report and prints the closing line of a CI run:
 *
 *   vitest: N passed, M failed[, K skipped]
 *
 * Exits 0 only when the report exists, at least one test ran, none failed, and vitest itself
 * called the run a success (an unhandled error or a test file that failed to load makes it fail
 * even when every collected test passed). Above the line, a red run lists each failed test: its
 * file, its full name and the first lines of its error, so the last screen of a CI log says what
 * broke without scrolling back through vitest's output. The count line is always the last thing
 * printed, so a CI log ends with it whatever happened before.
 *
 * Usage: node scripts/vitest-summary.mjs [report.json]   (default: .vitest/report.json)
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const reportPath = resolve(process.argv[2] ?? '.vitest/report.json')
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** A test file's path as the repository names it (absolute when it lies outside). */
function repoPath(file) {
  const path = relative(repoRoot, file)
  return path.startsWith('..') || isAbsolute(path) ? file : path
}

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

// How much of each error to show: enough to read the assertion (message and a short diff), and
// the frame in the test's own code, not vitest's stack below it.
const MESSAGE_LINES = 8
const LINE_WIDTH = 200

const shorten = (line) => (line.length > LINE_WIDTH ? `${line.slice(0, LINE_WIDTH - 1)}…` : line)

/** The first lines of one failure: the message, then the first stack frame outside node_modules. */
function errorExcerpt(failure) {
  const lines = String(failure).split('\n')
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line))
  const message = (firstFrame === -1 ? lines : lines.slice(0, firstFrame)).filter((l) => l.trim() !== '')
  // vitest's JSON report keeps an error's stack, not its message; for a test or hook that ran out of time the
  // stack is a placeholder, so say what it most likely stands for.
  if (message.length === 1 && message[0] === 'Error: STACK_TRACE_ERROR') {
    message[0] =
      'Error without a message in the JSON report: most likely "Test timed out" (see the log above)'
  }
  const excerpt = message.slice(0, MESSAGE_LINES).map(shorten)
  if (message.length > MESSAGE_LINES)
    excerpt.push(`… ${message.length - MESSAGE_LINES} more lines in the log above`)
  const ownFrame =
    firstFrame === -1
      ? undefined
      : lines.slice(firstFrame).find((l) => /^\s+at /.test(l) && !l.includes('/node_modules/'))
  if (ownFrame) excerpt.push(shorten(ownFrame.trim()))
  return excerpt.map((line) => `    ${line}`)
}

const reasons = []
for (const file of report.testResults ?? []) {
  const fileName = repoPath(String(file.name ?? ''))
  const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed')
  for (const test of failedTests) {
    // vitest's own separator, so the name can be pasted into `vitest run <file> -t`.
    const name = [...(test.ancestorTitles ?? []), test.title].join(' > ')
    reasons.push(`FAILED ${fileName} > ${name}`)
    for (const failure of test.failureMessages ?? []) reasons.push(...errorExcerpt(failure))
  }
  // A file that failed to load (syntax error, import error, failing hook) has no failed test of its own.
  if (file.status === 'failed' && failedTests.length === 0) {
    reasons.push(`FAILED ${fileName}: the file failed outside any test`)
    if (file.message) reasons.push(...errorExcerpt(file.message))
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
