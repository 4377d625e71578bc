import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { GROUP_KILL_WAIT_MS, killGroup, signalGroup } from './process-group.js'

const vitestCli = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

/** One test's outcome, from vitest's JSON report. */
export interface AssertionResult {
  title: string
  fullName: string
  status: 'passed' | 'failed' | 'skipped' | 'pending'
  failureMessages: string[]
  meta?: Record<string, unknown>
}

/** How long a child run may take before its whole process group is killed, unless `budgetMs` says otherwise. */
export const CHILD_RUN_BUDGET_MS = 60_000

/**
 * The timeout for a test that runs a child vitest with this budget: the budget, the bounded kill after it and
 * a margin to read what the run left. vitest's 5 s default is less than a child vitest needs to start on a
 * loaded machine, and a test timing out before its child's budget would report "timed out" instead of the
 * child's output.
 */
export function childRunTestTimeout(budgetMs = CHILD_RUN_BUDGET_MS): number {
  return budgetMs + GROUP_KILL_WAIT_MS + 5_000
}

/** Told of the run's process group when it starts and when it is gone: fixtures' watchdog, for one. */
export interface GroupGuard {
  watch(pgid: number): void
  unwatch(pgid: number): void
}

export interface ChildVitestOptions {
  /** The project folder to run, also the child's working directory; its vitest.config.ts applies. */
  readonly root: string
  /** Test file filters, as on vitest's command line; none runs the whole project. */
  readonly files?: readonly string[]
  /** More command-line arguments, e.g. `--pool=threads`. */
  readonly args?: readonly string[]
  /** Added to the child's environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /**
   * Report with vitest's default and JSON reporters (replacing the project's), so `results()` can read each
   * test's outcome. Default true; false keeps the project's own reporters (a reporter under test).
   */
  readonly jsonReport?: boolean
  /** The run's whole process group is killed after this long (default `CHILD_RUN_BUDGET_MS`), so a hung run ends with its output. */
  readonly budgetMs?: number
  /** Told of the process group, for a guard that outlives this process (SIGKILL runs no exit hook). */
  readonly guard?: GroupGuard
}

export interface ChildVitest {
  readonly child: ChildProcess
  /** The run's process group: the child vitest leads it, its workers and what they spawn belong to it. */
  readonly pgid: number
  /** stdout and stderr, in the order their chunks arrived (which varies between the two pipes). */
  output(): string
  /**
   * stdout alone: vitest's progress, summary and reporters' lines. Its failed-test block goes to stderr; an
   * assertion about order reads one stream, since where a stderr chunk lands between stdout chunks varies.
   */
  stdout(): string
  stderr(): string
  /**
   * Resolves with the exit code or signal once the child vitest has exited. Its output may still be on the
   * way: a worker or a server of the group can hold the pipes open; `finished()` waits for all of it.
   */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Waits for the exit, ends the rest of the group, and resolves once both pipes are drained (bounded). */
  finished(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** True once the budget ran out and the group was killed for it. */
  timedOut(): boolean
  /** The tests' outcomes from vitest's JSON report, once it has exited (not with `jsonReport: false`). */
  results(): AssertionResult[]
  /**
   * Where the child's tests may write what they started, for `info()`: its path is in `$SPINUP_CHILD_INFO`.
   * Write it aside and rename it into place, so that it is whole as soon as it exists.
   */
  readonly infoFile: string
  /** Waits until the info file exists (bounded; fails early if the child exits first), and parses it. */
  info<T>(timeoutMs?: number): Promise<T>
  /** Sends `signal` to the whole group, as a terminal's Ctrl-C does with SIGINT. */
  signal(signal: NodeJS.Signals): void
  /** Kills what is left of the group, waits (bounded) until none of it runs, and deletes the run's temporary files. */
  cleanup(): Promise<void>
}

/** Groups started here and not cleaned up yet: killed on this process's way out, should a test forget one. */
const running = new Set<number>()
process.once('exit', () => {
  for (const pgid of running) signalGroup(pgid, 'SIGKILL')
})

/**
 * Starts `vitest run` on a project folder in a child process, as a user runs it in a terminal. The child
 * leads a process group of its own (`detached`), so a timeout or `cleanup()` ends its workers, and the
 * servers they spawned into that group, with it. Its temporary files (vitest keeps transformed modules in a
 * folder of os.tmpdir() that it removes only when it closes normally, which a killed run never does) go to
 * a folder that `cleanup()` deletes.
 */
export function startVitest(options: ChildVitestOptions): ChildVitest {
  const dir = mkdtempSync(join(tmpdir(), 'spinup-child-vitest-'))
  const report = join(dir, 'report.json')
  const infoFile = join(dir, 'info.json')
  const childTmp = join(dir, 'tmp')
  mkdirSync(childTmp)
  const reporters =
    options.jsonReport === false
      ? []
      : ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`]
  const env: NodeJS.ProcessEnv = { ...process.env }
  // This worker's own vitest variables would make the child believe it runs inside a test.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'FORCE_COLOR') delete env[key]
  Object.assign(env, {
    SPINUP_CHILD_INFO: infoFile,
    TMPDIR: childTmp,
    // This machine's extra CA file costs every node start ~50 ms; the child's tests make no outgoing TLS calls.
    NODE_EXTRA_CA_CERTS: '',
    // CI: a child never writes snapshots; NO_COLOR: its output is compared as text.
    CI: '1',
    NO_COLOR: '1',
    ...options.env,
  })
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  const child = spawn(
    process.execPath,
    [
      vitestCli,
      'run',
      '--root',
      options.root,
      ...reporters,
      ...(options.args ?? []),
      ...(options.files ?? []),
    ],
    { cwd: options.root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  if (child.pid === undefined) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`could not start vitest in ${options.root}`)
  }
  const pgid = child.pid
  running.add(pgid)
  options.guard?.watch(pgid)

  let output = ''
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
    stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
    stderr += chunk
  })
  let timedOut = false
  let groupGone: Promise<void> | undefined
  const endGroup = () => {
    groupGone ??= killGroup(pgid)
    return groupGone
  }
  const budget = setTimeout(() => {
    timedOut = true
    // The child's exit is what the caller waits for; a group that outlives SIGKILL is cleanup()'s to report.
    endGroup().catch(() => {})
  }, options.budgetMs ?? CHILD_RUN_BUDGET_MS)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(budget)
      resolve({ code, signal })
    }),
  )
  const drained = new Promise<void>((resolve) => child.once('close', () => resolve()))

  return {
    child,
    pgid,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async finished() {
      const exit = await exited
      await endGroup()
      // With the group gone nothing of the run holds the pipes, unless it handed them to a process that left
      // the group (a daemon): that one is not waited for longer than a kill takes.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        drained,
        new Promise((resolve) => (timer = setTimeout(resolve, GROUP_KILL_WAIT_MS))),
      ])
      clearTimeout(timer)
      return exit
    },
    timedOut: () => timedOut,
    infoFile,
    results() {
      if (!existsSync(report)) throw new Error(`vitest wrote no JSON report; its output:\n${output}`)
      const json = JSON.parse(readFileSync(report, 'utf8')) as {
        testResults: Array<{ assertionResults: AssertionResult[] }>
      }
      return json.testResults.flatMap((file) => file.assertionResults)
    },
    async info<T>(timeoutMs = 30_000): Promise<T> {
      const deadline = Date.now() + timeoutMs
      for (let i = 0; i < 10_000 && !existsSync(infoFile); i++) {
        if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`the child run wrote no info within ${timeoutMs} ms; vitest output:\n${output}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return JSON.parse(readFileSync(infoFile, 'utf8')) as T
    },
    signal(signal) {
      signalGroup(pgid, signal)
    },
    async cleanup() {
      clearTimeout(budget)
      try {
        await endGroup()
      } finally {
        running.delete(pgid)
        options.guard?.unwatch(pgid)
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

export interface ChildVitestResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** True when the budget ran out and the run was killed. */
  readonly timedOut: boolean
  readonly output: string
  readonly stdout: string
  readonly stderr: string
  /** The tests' outcomes; empty with `jsonReport: false`. */
  readonly results: AssertionResult[]
}

/** Runs a project to the end (or to its budget) and returns its exit, its output and its tests' outcomes. */
export async function runVitest(options: ChildVitestOptions): Promise<ChildVitestResult> {
  const run = startVitest(options)
  try {
    const exit = await run.finished()
    return {
      ...exit,
      timedOut: run.timedOut(),
      output: run.output(),
      stdout: run.stdout(),
      stderr: run.stderr(),
      results: options.jsonReport === false ? [] : run.results(),
    }
  } finally {
    await run.cleanup()
  }
}
