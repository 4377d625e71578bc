import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, test } from 'vitest'
import { UnsupportedPlatformError } from '../src/index.js'
import * as os from '../src/os/index.js'

describe('off Linux, every function of the OS layer throws instead of answering a question it could not ask', () => {
  const real = Object.getOwnPropertyDescriptor(process, 'platform')!
  afterEach(() => {
    Object.defineProperty(process, 'platform', real)
  })

  // Every exported function but the pure parser and the check itself: a new one joins this list or fails it.
  const calls: Record<string, () => unknown> = {
    osSockets: () => os.osSockets(),
    readTcpTable: () => os.readTcpTable(),
    socketInodes: () => os.socketInodes(),
    readProcStat: () => os.readProcStat(process.pid),
    processIds: () => os.processIds(),
    processGroupMembers: () => os.processGroupMembers(process.pid),
    processRunning: () => os.processRunning(process.pid),
    processCommandLine: () => os.processCommandLine(process.pid),
  }

  test('the list covers the whole layer', () => {
    const functions = Object.entries(os)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name)
    expect(functions.sort()).toEqual([...Object.keys(calls), 'parseProcStat', 'procAvailable'].sort())
  })

  test.each(Object.keys(calls))('%s() throws UnsupportedPlatformError naming itself', (name) => {
    Object.defineProperty(process, 'platform', { ...real, value: 'darwin' })
    expect(os.procAvailable()).toBe(false)
    let error: unknown
    try {
      calls[name]!()
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(UnsupportedPlatformError)
    expect(error).toMatchObject({ code: 'SPINUP_UNSUPPORTED_PLATFORM' })
    expect((error as Error).message).toContain(
      `${name}() reads /proc and works on Linux only (this is darwin).`,
    )
  })
})

describe('/proc/PID/stat is read the same way everywhere', () => {
  test('the fields are counted from the last parenthesis: a command name may hold spaces and parentheses', () => {
    expect(os.parseProcStat('1234 (node (worker) x) S 1 1230 1230 0 -1 4194560')).toEqual({
      state: 'S',
      ppid: 1,
      pgrp: 1230,
    })
    expect(os.parseProcStat('not a stat line')).toBeUndefined()
  })

  test('a process started in its own group is a member of it, runs, and is gone once it exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], {
      detached: true,
      stdio: 'ignore',
    })
    const pid = child.pid!
    try {
      expect(os.readProcStat(pid)).toMatchObject({ pgrp: pid, ppid: process.pid })
      expect(os.processGroupMembers(pid)).toEqual([pid])
      expect(os.processRunning(pid)).toBe(true)
      expect(os.processCommandLine(pid)).toContain('setTimeout')
    } finally {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
    expect(os.processRunning(pid)).toBe(false)
    expect(os.readProcStat(pid)).toBeUndefined()
    expect(os.processGroupMembers(pid)).toEqual([])
  })
})
