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
 * vitest's start-up and imports left out (those are the same for every form), and writes the wall ms and
 * this worker's CPU ms (user + system) as JSON to the file the runner named. On a loaded machine the CPU
 * figure is the steadier one: it does not grow while the worker waits for a core.
 */
export function timeTheFile(): void {
  let started = 0
  let cpu = process.cpuUsage()
  beforeAll(() => {
    started = performance.now()
    cpu = process.cpuUsage()
  })
  afterAll(() => {
    const out = process.env.BENCH_TESTFILE_OUT
    const used = process.cpuUsage(cpu)
    const result = { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }
    // 'wx': a second file writing the same figures fails the run. The runner names one file by a filter,
    // which vitest matches as a substring of each path: "spinup.test.ts" also ran process-spinup.test.ts,
    // and the figures were those of whichever file ended last.
    if (out) writeFileSync(out, JSON.stringify(result), { flag: 'wx' })
  })
}
