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
import { fileURLToPath } from 'node:url'
import { readTcpTable, socketInodes } from '@spinup/client/os'
import { isProcessRunning } from '@spinup/fixtures'
import { type ChildVitest, childRunTestTimeout, killGroup, startVitest } from '@spinup/test-support'
import { expect, test } from 'vitest'

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

interface HangingRun {
  readonly runner: ChildVitest
  readonly server: { pid: number; port: number; listening: Set<string> }
}

/**
 * Starts the never-ending run in its own process group, like a terminal's foreground job, and waits until
 * its server process is up; returns it with the inodes of its listening socket.
 */
async function startRunThatHangs(): Promise<HangingRun> {
  const runner = startVitest({
    root: fileURLToPath(new URL('../run-to-interrupt/', import.meta.url)),
    jsonReport: false,
    budgetMs: RUN_BUDGET_MS,
  })
  try {
    const server = await runner.info<{ pid: number; port: number }>(START_WAIT_MS)
    expect(isProcessRunning(server.pid)).toBe(true)
    // The server was ready before the child wrote the file, so it listens already.
    const listening = listeningSockets(server.pid, server.port)
    expect(listening.size).toBeGreaterThan(0)
    return { runner, server: { ...server, listening } }
  } catch (error) {
    await runner.cleanup()
    throw error
  }
}

// Each wait below has its own bound (30 s for the child run to start its server, 10 s for the server to go):
// the test's budget is their sum and the runner's cleanup, not vitest's 5 s default, which a loaded machine
// spends on starting the child vitest alone, so that it failed with "timed out" instead of saying which wait
// ran out.
const START_WAIT_MS = 30_000
const SERVER_GONE_MS = 10_000
const RUN_BUDGET_MS = START_WAIT_MS + SERVER_GONE_MS
const TEST_BUDGET_MS = childRunTestTimeout(RUN_BUDGET_MS)

/**
 * Our own cleanup, after the assertions, whatever they found: the child run's process group, the server's
 * (spawned in a group of its own) should the assertions have failed because it survived, and the run's folder
 * with its temp files.
 */
async function cleanUp(run: HangingRun): Promise<void> {
  if (isProcessRunning(run.server.pid)) await killGroup(run.server.pid)
  await run.runner.cleanup()
}

/** Interrupts the run the given way, then checks that its server process and listening socket are gone. */
async function interruptAndCheck(interrupt: (runner: ChildVitest) => void): Promise<void> {
  const run = await startRunThatHangs()
  const { runner, server } = run
  try {
    interrupt(runner)
    await runner.exited
    await expect.poll(() => isProcessRunning(server.pid), { timeout: SERVER_GONE_MS }).toBe(false)
    expect(rowsOf(server.listening)).toEqual([])
  } finally {
    await cleanUp(run)
  }
}

test('Ctrl-C (SIGINT to the run): the server process is gone and its listening socket closed', {
  timeout: TEST_BUDGET_MS,
}, async () => {
  await interruptAndCheck((runner) => runner.signal('SIGINT'))
})

test('the runner killed with SIGKILL (no cleanup code runs): the server process is gone all the same', {
  timeout: TEST_BUDGET_MS,
}, async () => {
  // The vitest main process only; its workers are left to notice.
  await interruptAndCheck((runner) => runner.child.kill('SIGKILL'))
})
