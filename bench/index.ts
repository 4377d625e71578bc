/**
 * `pnpm bench`: runs every benchmark module in registry.ts, prints one table of figures and ratios, and
 * writes the same to bench/results.json. Speed is only ever compared within one run (ratios to a baseline
 * measured alongside), never against fixed numbers.
 *
 * Environment: BENCH_ONLY=client,fixtures (a subset of modules), BENCH_ROUNDS (default 12),
 * BENCH_SLICE_MS (default 100: how long each case runs per round), BENCH_QUICK=1 (4 rounds × 50 ms and
 * smaller test files: a quick look, not a record).
 */

import type { BenchContext, BenchRow } from './bench-module.js'
import { killAllChildServers, runningChildServers } from './child-server.js'
import { benchmarks } from './registry.js'
import { writeResults } from './results-file.js'
import { formatTable } from './table.js'

function positiveInteger(name: string, fallback: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(raw)}.`)
  }
  return value
}

// An interrupted run still ends the server processes it started (by PID); they also watch for their
// parent to disappear, for the case where this process is killed outright.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildServers()
    process.stderr.write(`\nbench: interrupted by ${signal}, server processes stopped\n`)
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}
process.once('exit', killAllChildServers)

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1'
  if (
    process.env.BENCH_QUICK !== undefined &&
    process.env.BENCH_QUICK !== '' &&
    !quick &&
    process.env.BENCH_QUICK !== '0'
  ) {
    throw new Error(`BENCH_QUICK must be 1 (or 0, or unset), got ${JSON.stringify(process.env.BENCH_QUICK)}.`)
  }
  const rounds = positiveInteger('BENCH_ROUNDS', quick ? 4 : 12, 50)
  const sliceMs = positiveInteger('BENCH_SLICE_MS', quick ? 50 : 100, 10_000)
  const only = process.env.BENCH_ONLY?.split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const unknown = only?.filter((name) => !benchmarks.some((module) => module.name === name)) ?? []
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_ONLY names no benchmark: ${unknown.join(', ')}. Known: ${benchmarks.map((m) => m.name).join(', ')}.`,
    )
  }
  const selected = benchmarks.filter((module) => !only || only.includes(module.name))
  const context: BenchContext = {
    rounds,
    sliceMs,
    quick,
    log: (message) => process.stderr.write(`bench: ${message}\n`),
  }

  const started = performance.now()
  const rows: BenchRow[] = []
  const skipped: string[] = []
  for (const module of selected) {
    context.log(`${module.name}: ${module.description}`)
    const moduleRows = await module.run(context)
    if (moduleRows.length === 0) skipped.push(module.name)
    rows.push(...moduleRows)
  }
  const durationMs = performance.now() - started

  console.log(
    `\nspinup benchmarks, node ${process.version}, ${rounds} rounds × ${sliceMs} ms per case (median)${quick ? ', QUICK mode' : ''}\n`,
  )
  console.log(formatTable(rows))
  if (skipped.length > 0) console.log(`\nskipped (nothing to measure yet): ${skipped.join(', ')}`)
  const path = await writeResults(rows, {
    rounds,
    sliceMs,
    quick,
    modules: selected.map((module) => module.name),
    skipped,
    durationMs,
  })
  console.log(`\nresults: ${path} (${(durationMs / 1000).toFixed(1)} s)`)
  if (runningChildServers() > 0) throw new Error('a benchmark server process is still running after the run')
}

main().catch((err: unknown) => {
  killAllChildServers()
  console.error(err)
  process.exitCode = 1
})
