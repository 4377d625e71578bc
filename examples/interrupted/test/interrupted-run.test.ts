/**
 * A server process must not outlive the test run that started it, however that run ends. Each test here runs
 * run-to-interrupt/ in a child vitest: its test starts a server process and hangs. The run is then
 * interrupted, as a person at a terminal does (Ctrl-C: SIGINT to the whole process group) or as a CI job
 * that hits its time limit does (SIGKILL to the runner). Afterwards the server process must be gone and its
 * listening socket closed.
 *
 * "Closed" is checked in the kernel's socket table by the socket's inode, not by binding the port number:
 * once the server is gone the port is free for anyone, and on a busy machine another test run's connection
 * can take it as its local port (even a TIME_WAIT left by it blocks a bind for a minute), which says nothing
 * about our server.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readTcpTable, socketInodes } from '@spinup/client'
import { isProcessRunning } from '@spinup/fixtures'
import { expect, test } from 'vitest'

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

/** The inodes of the sockets listening on `port` that process `pid` holds. */
function listeningSockets(pid: number, port: number): Set<string> {
  const held = socketInodes(pid)
  const rows = readTcpTable({ listeningOnly: true })
  return new Set(rows.filter((row) => row.localPort === port && held.has(row.inode)).map((row) => row.inode))
}

/** The kernel's rows, in any state, of these sockets: none once they are closed. */
function rowsOf(inodes: Set<string>) {
  return readTcpTable().filter((row) => inodes.has(row.inode))
}

/**
 * Starts the never-ending run in its own process group and waits until its server process is up; returns it
 * with the inodes of its listening socket.
 */
async function startRunThatHangs(): Promise<{
  runner: ChildProcess
  server: { pid: number; port: number; listening: Set<string> }
  dir: string
}> {
  const dir = mkdtempSync(join(tmpdir(), 'spinup-interrupted-'))
  const stateFile = join(dir, 'server.json')
  // The run's own temp files: vitest removes its folder there only when it closes normally, and this run is
  // killed. cleanUp() removes it.
  const runTmp = join(dir, 'tmp')
  mkdirSync(runTmp)
  const env: NodeJS.ProcessEnv = { ...process.env, STATE_FILE: stateFile, NO_COLOR: '1', TMPDIR: runTmp }
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key]
  const root = fileURLToPath(new URL('../run-to-interrupt/', import.meta.url))
  const runner = spawn(process.execPath, [vitestBin, 'run', '--root', root], {
    env,
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  runner.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  runner.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  try {
    // Wait until the child's test has written which server it started (bounded by the poll's timeout).
    await expect.poll(() => existsSync(stateFile), { timeout: 30_000, interval: 20 }).toBe(true)
    await expect.poll(() => readFileSync(stateFile, 'utf8').endsWith('}'), { timeout: 5_000 }).toBe(true)
    const server = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number; port: number }
    expect(isProcessRunning(server.pid)).toBe(true)
    // The server was ready before the child wrote the file, so it listens already.
    const listening = listeningSockets(server.pid, server.port)
    expect(listening.size).toBeGreaterThan(0)
    return { runner, server: { ...server, listening }, dir }
  } catch (error) {
    killGroup(runner.pid!)
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`the child run never reported its server:\n${output}`, { cause: error })
  }
}

// Each wait below has its own bound (30 s for the child run to start its server, 5 s to read what it wrote,
// 10 s for the server to go): the test's budget is their sum, not vitest's 5 s default, which a loaded
// machine spends on starting the child vitest alone, so that it failed with "timed out" instead of
// saying which wait ran out.
const TEST_BUDGET_MS = 30_000 + 5_000 + 10_000 + 5_000

/** Kills a process group we started, by its leader's pid; a no-op once it is gone. */
function killGroup(leader: number): void {
  try {
    process.kill(-leader, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/**
 * Our own cleanup, after the assertions, whatever they found: the child run's process group, the server's
 * (spawned in a group of its own) should the assertions have failed because it survived, and the run's folder
 * with its temp files.
 */
function cleanUp(run: { runner: ChildProcess; server: { pid: number }; dir: string }): void {
  killGroup(run.runner.pid!)
  if (isProcessRunning(run.server.pid)) killGroup(run.server.pid)
  rmSync(run.dir, { recursive: true, force: true })
}

test('Ctrl-C (SIGINT to the run): the server process is gone and its listening socket closed', {
  timeout: TEST_BUDGET_MS,
}, async () => {
  const run = await startRunThatHangs()
  const { runner, server } = run
  try {
    const exited = once(runner, 'exit')
    process.kill(-runner.pid!, 'SIGINT')
    await exited
    await expect.poll(() => isProcessRunning(server.pid), { timeout: 10_000 }).toBe(false)
    expect(rowsOf(server.listening)).toEqual([])
  } finally {
    cleanUp(run)
  }
})

test('the runner killed with SIGKILL (no cleanup code runs): the server process is gone all the same', {
  timeout: TEST_BUDGET_MS,
}, async () => {
  const run = await startRunThatHangs()
  const { runner, server } = run
  try {
    const exited = once(runner, 'exit')
    process.kill(runner.pid!, 'SIGKILL') // the vitest main process only; its workers are left to notice
    await exited
    await expect.poll(() => isProcessRunning(server.pid), { timeout: 10_000 }).toBe(false)
    expect(rowsOf(server.listening)).toEqual([])
  } finally {
    cleanUp(run)
  }
})
