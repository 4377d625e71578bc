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
    // spinup as a user's install runs it: from node_modules, vitest hands a package to node as it is. Here
    // the workspace links resolve to packages/*/dist, outside node_modules, which vitest would otherwise
    // run through its module runner (a transform of every module, ~3% slower in this file).
    server: { deps: { external: [/\/packages\/(client|fixtures|matchers)\/dist\//] } },
    // For profiling a form: BENCH_TESTFILE_EXEC_ARGV='--cpu-prof --cpu-prof-dir=/tmp/prof'.
    execArgv: process.env.BENCH_TESTFILE_EXEC_ARGV?.split(' ').filter(Boolean) ?? [],
  },
})
