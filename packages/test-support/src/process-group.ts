import { readdirSync, readFileSync } from 'node:fs'

// Not @spinup/client/os: the client's own tests use this package, and a dependency back on the client is a
// workspace cycle (pnpm warns on every install). The runner needs only a process's state and group.

/** The state letter and process group of /proc/PID/stat, or undefined once the process is gone. */
function readStat(pid: string): { state: string; group: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the parenthesised command name (which may hold spaces and parentheses): state, ppid, pgrp.
    const [state = '', , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state, group: Number(group) }
  } catch {
    return undefined
  }
}

/**
 * The pids of the processes of group `pgid` that still run, as the kernel lists them. Zombies are left out:
 * they hold nothing, and where pid 1 never reaps them (some containers) they would count forever. Off Linux,
 * a signal-0 probe of the group answers, zombies included: `[pgid]` while anything of it exists.
 */
export function groupMembers(pgid: number): number[] {
  if (process.platform !== 'linux') {
    try {
      process.kill(-pgid, 0)
      return [pgid]
    } catch {
      return []
    }
  }
  const members: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readStat(entry)
    if (stat && stat.group === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(Number(entry))
  }
  return members
}

/** True while process `pid` exists and is not a zombie (Linux: /proc/PID/stat; elsewhere: a signal-0 probe). */
export function isAlive(pid: number): boolean {
  if (process.platform !== 'linux') {
    try {
      process.kill(pid, 0)
      return true
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM'
    }
  }
  const stat = readStat(String(pid))
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X'
}

/** Sends `signal` to every process of group `pgid` (by the leader's pid); false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

/** How long `killGroup` waits for a SIGKILLed group to be gone: the kernel ends it in milliseconds. */
export const GROUP_KILL_WAIT_MS = 5_000

/**
 * SIGKILLs process group `pgid` and resolves once no process of it runs, checked by pid in /proc. Nothing
 * announces the death of processes that are not our children, so this polls, bounded in rounds and time
 * (`timeoutMs`); it rejects, naming the pids, if any survive that long (a process stuck in the kernel).
 */
export async function killGroup(pgid: number, timeoutMs = GROUP_KILL_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let left = groupMembers(pgid)
  for (let round = 0; left.length > 0 && round < 1_000; round++) {
    // Again each round: a member that was forking as the first signal landed may have left a child.
    signalGroup(pgid, 'SIGKILL')
    if (Date.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, 5))
    left = groupMembers(pgid)
  }
  if (left.length > 0) {
    throw new Error(
      `process group ${pgid} still has ${left.length} running process(es) ${timeoutMs} ms after SIGKILL: ${left.join(', ')}`,
    )
  }
}
