import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { childRunTestTimeout, groupMembers, isAlive, runVitest, startVitest } from '../src/index.js'

const children = fileURLToPath(new URL('./children/', import.meta.url))

test('a child run that hangs is killed with its whole group when its budget runs out', {
  timeout: childRunTestTimeout(),
}, async () => {
  // Long enough for a child vitest to start and say who is who on a loaded machine (1-3 s idle).
  const run = startVitest({ root: children, files: ['hangs.child.ts'], budgetMs: 15_000 })
  try {
    const { workerPid, grandchildPid } = await run.info<{ workerPid: number; grandchildPid: number }>()
    const pids = [run.pgid, workerPid, grandchildPid]
    // All three run, in the child's group, before the budget runs out.
    expect(pids.filter(isAlive)).toEqual(pids)
    expect(groupMembers(run.pgid)).toEqual(expect.arrayContaining(pids))
    const exit = await run.finished()
    expect(run.timedOut()).toBe(true)
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' })
    // Checked by pid in /proc: the worker and the grandchild went with the leader.
    expect(pids.filter(isAlive)).toEqual([])
    expect(groupMembers(run.pgid)).toEqual([])
  } finally {
    await run.cleanup()
  }
})

test('cleanup() of a run still going ends its whole group at once, and tells the guard', {
  timeout: childRunTestTimeout(),
}, async () => {
  const told: string[] = []
  const guard = {
    watch: (pgid: number) => told.push(`watch ${pgid}`),
    unwatch: (pgid: number) => told.push(`unwatch ${pgid}`),
  }
  const run = startVitest({ root: children, files: ['hangs.child.ts'], guard })
  expect(told).toEqual([`watch ${run.pgid}`])
  let pids: number[] = []
  try {
    const { workerPid, grandchildPid } = await run.info<{ workerPid: number; grandchildPid: number }>()
    pids = [run.pgid, workerPid, grandchildPid]
    expect(pids.filter(isAlive)).toEqual(pids)
  } finally {
    await run.cleanup()
  }
  expect(run.timedOut()).toBe(false)
  expect(told).toEqual([`watch ${run.pgid}`, `unwatch ${run.pgid}`])
  expect(pids.filter(isAlive)).toEqual([])
  expect(groupMembers(run.pgid)).toEqual([])
})

test('stdout and stderr are collected apart, and the results read from the JSON report', {
  timeout: childRunTestTimeout(),
}, async () => {
  const run = await runVitest({ root: children, files: ['prints.child.ts'] })
  expect(run.code, run.output).toBe(0)
  expect(run.timedOut).toBe(false)
  expect(run.stdout).toContain('a line for stdout')
  expect(run.stdout).not.toContain('a line for stderr')
  expect(run.stderr).toContain('a line for stderr')
  expect(run.stderr).not.toContain('a line for stdout')
  expect(run.output).toContain('a line for stdout')
  expect(run.output).toContain('a line for stderr')
  expect(run.results.map((r) => [r.title, r.status])).toEqual([['prints on both streams', 'passed']])
})
