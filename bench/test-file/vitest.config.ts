import { defineConfig } from 'vitest/config'

/**
 * The benchmark's own child vitest runs (bench/modules/test-file.ts starts one per file and round); never
 * part of `pnpm test`. One file at a time, in one fork, as a user's single test file runs.
 */
export default defineConfig({
  test: {
    include: ['*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    passWithNoTests: false,
    // For profiling a form: BENCH_TESTFILE_EXEC_ARGV='--cpu-prof --cpu-prof-dir=/tmp/prof'.
    execArgv: process.env.BENCH_TESTFILE_EXEC_ARGV?.split(' ').filter(Boolean) ?? [],
  },
})
