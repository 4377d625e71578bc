import { readdirSync, readFileSync } from 'node:fs'
import { requireProc } from './platform.js'

/** What spinup reads of `/proc/PID/stat`: the fields after the command name. */
export interface ProcStat {
  /** The state letter: R running, S sleeping, D disk wait, Z zombie, X dead, … */
  readonly state: string
  readonly ppid: number
  /** The process group. */
  readonly pgrp: number
}

/**
 * Parses the text of a `/proc/PID/stat` file. The fields follow the parenthesised command name, which may
 * itself hold spaces and parentheses, so they are counted from the last `)`. Undefined for text that is not
 * one.
 *
 * Self-contained on purpose (no imports, no closure): the watchdog, a separate `node -e` process that cannot
 * import this package, embeds its source text, so the file is parsed in one place.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')')
  if (close < 0) return undefined
  const fields = text.slice(close + 2).split(' ')
  const pgrp = Number(fields[2])
  if (!fields[0] || !Number.isInteger(pgrp)) return undefined
  return { state: fields[0], ppid: Number(fields[1]), pgrp }
}

/** `/proc/PID/stat` of process `pid` (or of one of its threads, `task`), or undefined once it is gone. */
export function readProcStat(pid: number, task?: number | string): ProcStat | undefined {
  requireProc('readProcStat()')
  return statAt(task === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${task}/stat`)
}

function statAt(file: string): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

/** The ids of every process the kernel lists now. */
export function processIds(): number[] {
  requireProc('processIds()')
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
}

/** Process ids whose process group is `pgid` (the leader included). */
export function processGroupMembers(pgid: number): number[] {
  requireProc('processGroupMembers()')
  return processIds().filter((pid) => statAt(`/proc/${pid}/stat`)?.pgrp === pgid)
}

/**
 * True while process `pid` runs, that is while any of its threads does. A process that has exited but is
 * not reaped yet (a zombie) is not running: it holds no port and no file.
 */
export function processRunning(pid: number): boolean {
  requireProc('processRunning()', 'Probe with process.kill(pid, 0) instead, which counts zombies as running.')
  const ended = (stat: ProcStat | undefined) => stat === undefined || stat.state === 'Z' || stat.state === 'X'
  if (!ended(statAt(`/proc/${pid}/stat`))) return true
  // /proc/PID/stat is the main thread's. It turns Z as soon as that thread has ended, while the other
  // threads may still be exiting (a SIGKILLed node server, for a moment) or running on: they hold the
  // process's files, its listening socket included, until the last of them is gone.
  let tasks: string[]
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return false
  }
  return tasks.some((task) => !ended(statAt(`/proc/${pid}/task/${task}/stat`)))
}

/** The command line of process `pid`, its arguments joined by spaces; undefined once it is gone. */
export function processCommandLine(pid: number): string | undefined {
  requireProc('processCommandLine()')
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
  } catch {
    return undefined
  }
}
