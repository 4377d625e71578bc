import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { BenchRow } from './bench-module.js'

/** bench/results.json at the repository root (git-ignored). */
export const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url))

export interface RunInfo {
  readonly rounds: number
  readonly sliceMs: number
  readonly quick: boolean
  readonly modules: readonly string[]
  readonly skipped: readonly string[]
  readonly durationMs: number
}

/** Writes the rows with what is needed to compare runs: node version, date, machine, settings. */
export async function writeResults(rows: readonly BenchRow[], info: RunInfo): Promise<string> {
  const undiciVersion = (createRequire(import.meta.url)('undici/package.json') as { version: string }).version
  const document = {
    date: new Date().toISOString(),
    node: process.version,
    undici: undiciVersion,
    platform: `${process.platform} ${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    settings: {
      rounds: info.rounds,
      sliceMs: info.sliceMs,
      quick: info.quick,
      modules: info.modules,
      skipped: info.skipped,
    },
    durationMs: Math.round(info.durationMs),
    note: 'value is the median over rounds; ratio is value / the baseline case value in the same benchmark and mode.',
    rows,
  }
  await writeFile(resultsPath, `${JSON.stringify(document, null, 2)}\n`)
  return resultsPath
}
