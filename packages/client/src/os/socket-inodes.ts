import { readdirSync, readlinkSync } from 'node:fs'
import { requireProc } from './platform.js'

/**
 * The inodes of the sockets process `pid` holds open (default: this process), read from its
 * `/proc/PID/fd` links. An inode is what joins a process to its rows of `readTcpTable()`. Empty when the
 * process is gone or its descriptors cannot be read (another user's process).
 */
export function socketInodes(pid: number | 'self' = 'self'): Set<string> {
  requireProc('socketInodes()')
  const inodes = new Set<string>()
  let fds: string[]
  try {
    fds = readdirSync(`/proc/${pid}/fd`)
  } catch {
    return inodes
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1))
    } catch {
      // The descriptor closed while we listed them.
    }
  }
  return inodes
}
