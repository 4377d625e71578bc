import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll } from 'vitest'

/**
 * The size of the benchmark's test files, from the runner (bench/modules/test-file.ts): how many tests,
 * each making the same three requests.
 */
export const testCount = Number(process.env.BENCH_TESTFILE_TESTS ?? 200)
/** The same for the files with a server process per test (a node start costs ~50–100 ms). */
export const processTestCount = Number(process.env.BENCH_TESTFILE_PROCESS_TESTS ?? 20)

/**
 * Times the whole file from its first hook to its last, every test's beforeEach/afterEach included and
 * vitest's start-up and imports left out (those are the same for every form), and writes the ms to the
 * file the runner named.
 */
export function timeTheFile(): void {
  let started = 0
  beforeAll(() => {
    started = performance.now()
  })
  afterAll(() => {
    const out = process.env.BENCH_TESTFILE_OUT
    if (out) writeFileSync(out, String(performance.now() - started))
  })
}
