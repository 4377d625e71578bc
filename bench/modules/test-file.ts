import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startVitest } from '@spinup/test-support'
import type { BenchContext, BenchModule, BenchRow } from '../bench-module.js'
import { trackChild } from '../child-server.js'
import { median, round } from '../stats.js'

/** The bars from the issue: spinup at most this much slower than hand-written, and faster than supertest. */
const HAND_WRITTEN_BAR = 1.1
const SUPERTEST_BAR = 1

const folder = fileURLToPath(new URL('../test-file/', import.meta.url))

interface Form {
  readonly name: string
  readonly file: string
  /** Per round: ms from the file's first hook to its last (bench/test-file/shape.ts). */
  readonly fileMs: number[]
  /** Per round: the test worker's CPU ms over the same span. */
  readonly cpuMs: number[]
  /** Per round: ms from spawning the child vitest to its exit. */
  readonly wallMs: number[]
}

function form(name: string, file: string): Form {
  return { name, file, fileMs: [], cpuMs: [], wallMs: [] }
}

/** A child run that takes longer than this is killed with its workers, and the benchmark fails saying so. */
const FILE_BUDGET_MS = 5 * 60_000

/**
 * Runs one test file in a child vitest of its own (@spinup/test-support's runner: its own process group,
 * killed whole after FILE_BUDGET_MS) and returns what the file measured. The group is also tracked, so an
 * interrupted benchmark kills the run's workers with it. The runner drops NODE_EXTRA_CA_CERTS for every
 * form alike: it costs each node start ~50 ms here (spinup drops it for its own server processes).
 */
async function runFile(
  file: string,
  env: Record<string, string>,
  dir: string,
): Promise<{ fileMs: number; cpuMs: number; wallMs: number }> {
  const out = join(dir, `${file}.ms`)
  await rm(out, { force: true })
  const started = performance.now()
  const run = startVitest({
    root: folder,
    files: [file],
    // The project's own reporter, as a user's run prints it: the benchmark reads the file's figures, not a report.
    jsonReport: false,
    env: { ...env, BENCH_TESTFILE_OUT: out },
    budgetMs: FILE_BUDGET_MS,
  })
  trackChild(run.child, { group: true })
  try {
    const { code, signal } = await run.exited
    const wallMs = performance.now() - started
    if (code !== 0) {
      const why = run.timedOut() ? `killed after ${FILE_BUDGET_MS} ms` : `exit ${code ?? signal}`
      throw new Error(`test-file benchmark: ${file} failed (${why}):\n${run.output().slice(-4000)}`)
    }
    const { ms, cpuMs } = JSON.parse(await readFile(out, 'utf8')) as { ms: number; cpuMs: number }
    await rm(out, { force: true })
    return { fileMs: ms, cpuMs, wallMs }
  } finally {
    await run.cleanup()
  }
}

/** Interleaved rounds of child vitest runs, one per form, the order shifting each round. */
async function measureForms(
  context: BenchContext,
  label: string,
  forms: readonly Form[],
  env: Record<string, string>,
  rounds: number,
  dir: string,
  warmUp: boolean,
): Promise<void> {
  if (warmUp) {
    context.log(`test-file: ${label}, warm-up`)
    for (const f of forms) await runFile(f.file, env, dir)
  }
  for (let r = 0; r < rounds; r++) {
    context.log(`test-file: ${label}, round ${r + 1}/${rounds}`)
    for (let i = 0; i < forms.length; i++) {
      const f = forms[(i + r) % forms.length]!
      const { fileMs, cpuMs, wallMs } = await runFile(f.file, env, dir)
      f.fileMs.push(fileMs)
      f.cpuMs.push(cpuMs)
      f.wallMs.push(wallMs)
    }
  }
}

function pairedRatio(subject: Form, baseline: Form): { ratio: number; perRound: number[] } {
  const perRound = subject.fileMs.map((v, i) => v / baseline.fileMs[i]!)
  return { ratio: median(perRound), perRound }
}

function rows(
  mode: string,
  forms: readonly Form[],
  tests: number,
  bars: ReadonlyMap<Form, { text: string; check: (ratio: number) => boolean }>,
): BenchRow[] {
  const baseline = forms[0]!
  return forms.map((f) => {
    const { ratio, perRound } = pairedRatio(f, baseline)
    const cpuPerRound = f.cpuMs.map((v, i) => v / baseline.cpuMs[i]!)
    const bar = bars.get(f)
    const value = median(f.fileMs)
    return {
      benchmark: 'test-file',
      case: f.name,
      mode,
      value: round(value, 1),
      unit: 'ms',
      ratio: round(ratio),
      baseline: baseline.name,
      ...(bar ? { bar: { text: bar.text, pass: bar.check(ratio) } } : {}),
      rounds: f.fileMs.map((v) => round(v, 1)),
      note:
        `${round(value / tests, 2)} ms/test; CPU ${round(median(cpuPerRound), 2)}× (${round(median(f.cpuMs) / tests, 2)} ms/test); ` +
        `vitest run ${round(median(f.wallMs) / 1000, 1)} s`,
      details: {
        tests,
        ratioPerRound: perRound.map((v) => round(v)),
        workerCpuMs: f.cpuMs.map((v) => round(v)),
        cpuRatioPerRound: cpuPerRound.map((v) => round(v)),
        wallMs: f.wallMs.map((v) => round(v)),
      },
    }
  })
}

async function runTestFileBenchmark(context: BenchContext): Promise<BenchRow[]> {
  const quick = context.quick
  const tests = quick ? 60 : 200
  const processTests = quick ? 6 : 20
  // Each round is a child vitest per form (5–15 s each under load): few rounds, or the run takes too long.
  const rounds = quick ? 2 : Math.min(context.rounds, 4)
  const processRounds = quick ? 2 : Math.min(context.rounds, 3)
  const dir = await mkdtemp(join(tmpdir(), 'spinup-bench-test-file-'))
  try {
    const handWritten = form('hand-written: node:http + undici Client', 'api-hand-written.test.ts')
    const supertest = form('supertest: request(app)', 'api-supertest.test.ts')
    const spinup = form('spinup: useServer', 'api-spinup.test.ts')
    const inProcess = [handWritten, supertest, spinup]
    await measureForms(
      context,
      `${tests} tests × 3 requests, a fresh express app per test`,
      inProcess,
      { BENCH_TESTFILE_TESTS: String(tests) },
      rounds,
      dir,
      true,
    )
    const spawnByHand = form('hand-written: spawn, wait, kill', 'process-hand-written.test.ts')
    const spinupProcess = form('spinup: useServer({ command })', 'process-spinup.test.ts')
    const processForms = [spawnByHand, spinupProcess]
    await measureForms(
      context,
      `${processTests} tests × 3 requests, a node server process per test`,
      processForms,
      { BENCH_TESTFILE_PROCESS_TESTS: String(processTests) },
      processRounds,
      dir,
      // The in-process forms warmed vitest's caches; a server process has nothing to warm.
      false,
    )
    const vsSupertest = pairedRatio(spinup, supertest)
    return [
      ...rows(
        `${tests} tests, in-process`,
        inProcess,
        tests,
        new Map([
          [spinup, { text: `≤ ${HAND_WRITTEN_BAR}× hand-written`, check: (r) => r <= HAND_WRITTEN_BAR }],
        ]),
      ),
      {
        benchmark: 'test-file',
        case: 'spinup ÷ supertest',
        mode: `${tests} tests, in-process`,
        value: round(vsSupertest.ratio),
        unit: '×',
        ratio: round(vsSupertest.ratio),
        baseline: supertest.name,
        bar: { text: `< ${SUPERTEST_BAR}× supertest`, pass: vsSupertest.ratio < SUPERTEST_BAR },
        rounds: vsSupertest.perRound.map((v) => round(v)),
        note: `CPU ${round(median(spinup.cpuMs.map((v, i) => v / supertest.cpuMs[i]!)), 2)}×; a suite moving from supertest to spinup gets faster`,
      },
      ...rows(`${processTests} tests, process server`, processForms, processTests, new Map()),
      ...(await alternatingRows(context, dir, quick ? 20 : 60)),
    ]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * One file alternating blocks of hand-written, Session and useServer tests (test-file/alternating.test.ts):
 * the ratio per block to the hand-written block before it, median over blocks. No bar: it is the steadier
 * view of what the in-process rows above measure, with vitest's own per-test work left out.
 */
async function alternatingRows(context: BenchContext, dir: string, blocks: number): Promise<BenchRow[]> {
  context.log(`test-file: alternating blocks (${blocks} × 3 forms × 10 tests)`)
  const out = join(dir, 'alternating.json')
  await rm(out, { force: true })
  const run = startVitest({
    root: folder,
    files: ['alternating.test.ts'],
    jsonReport: false,
    env: { BENCH_ALT_BLOCKS: String(blocks), BENCH_TESTFILE_OUT: out },
    budgetMs: FILE_BUDGET_MS,
  })
  trackChild(run.child, { group: true })
  try {
    const { code, signal } = await run.exited
    if (code !== 0) {
      throw new Error(
        `test-file benchmark: alternating.test.ts failed (exit ${code ?? signal}):\n${run.output().slice(-4000)}`,
      )
    }
    const result = JSON.parse(await readFile(out, 'utf8')) as {
      tests: number
      clientMs: number
      sessionMs: number
      useServerMs: number
      session: number[]
      useServer: number[]
    }
    const mode = `alternating blocks, ${result.tests} tests`
    const row = (name: string, ms: number, perBlock: number[]): BenchRow => ({
      benchmark: 'test-file',
      case: name,
      mode,
      value: round(ms, 2),
      unit: 'ms/test',
      ratio: round(median(perBlock)),
      baseline: 'hand-written: node:http + undici Client',
      rounds: perBlock.map((v) => round(v)),
      note: `+${round(ms - result.clientMs, 2)} ms per test over hand-written (${round(result.clientMs, 2)} ms)`,
    })
    return [
      row('a spinup Session per test (no fixture)', result.sessionMs, result.session),
      row('spinup: useServer', result.useServerMs, result.useServer),
    ]
  } finally {
    await run.cleanup()
  }
}

/**
 * What users feel: one API test file (many tests, a fresh app per test, three requests each), in three
 * forms, each run by a child vitest; and the same with a server process per test.
 */
export const testFileBenchmark: BenchModule = {
  name: 'test-file',
  description:
    'a test file of N tests × 3 requests with a fresh express app per test, run by a child vitest: ' +
    'hand-written node:http + undici vs supertest vs spinup useServer; and a node server process per test.',
  run: runTestFileBenchmark,
}
