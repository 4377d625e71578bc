import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The parts of vitest's JSON report these examples read. */
export interface JsonReport {
  numFailedTests: number
  numPassedTests: number
  testResults: {
    name: string
    assertionResults: { title: string; status: string; failureMessages: string[] }[]
  }[]
}

/**
 * How long a child run may take before its process group is killed. A test that calls runVitest() gives
 * itself this long plus a margin (`{ timeout: CHILD_RUN_TEST_TIMEOUT }`): vitest's 5 s default is less than
 * a child vitest needs to start on a loaded machine.
 */
export const CHILD_RUN_LIMIT_MS = 60_000
export const CHILD_RUN_TEST_TIMEOUT = CHILD_RUN_LIMIT_MS + 5_000

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

/** Kills a process group we started, by its leader's pid; a no-op once it is gone. */
function killGroup(leader: number): void {
  try {
    process.kill(-leader, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/**
 * Runs `vitest run` on another project folder in a child process, as a user would in a terminal, and
 * returns its exit code, its output and its JSON report. The child runs in a process group of its own,
 * killed as a whole (its workers too) if the run takes over a minute, and whatever is left of it once it
 * has exited.
 */
export async function runVitest(
  root: URL,
): Promise<{ exitCode: number | null; output: string; report: JsonReport }> {
  const dir = mkdtempSync(join(tmpdir(), 'spinup-example-'))
  const reportFile = join(dir, 'report.json')
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  // This worker's own vitest variables would make the child believe it runs inside a test.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'FORCE_COLOR') delete env[key]
  const args = [vitestBin, 'run', '--root', fileURLToPath(root), '--reporter=default', '--reporter=json']
  const child = spawn(process.execPath, [...args, `--outputFile.json=${reportFile}`], {
    env,
    detached: true, // its own process group, so its workers can be ended with it
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const guard = setTimeout(() => killGroup(child.pid!), CHILD_RUN_LIMIT_MS)
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', resolve)
    })
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport
    return { exitCode, output, report }
  } catch (error) {
    throw new Error(`the child vitest in ${fileURLToPath(root)} gave no report:\n${output}`, { cause: error })
  } finally {
    clearTimeout(guard)
    if (child.pid !== undefined) killGroup(child.pid)
    rmSync(dir, { recursive: true, force: true })
  }
}
