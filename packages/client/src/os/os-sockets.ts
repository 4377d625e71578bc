import { requireProc } from './platform.js'
import { readTcpTable } from './proc-net-tcp.js'
import { socketInodes } from './socket-inodes.js'

/** One TCP connection of this process as the kernel lists it. */
export interface OsSocket {
  readonly localAddress: string
  readonly localPort: number
  readonly remoteAddress: string
  readonly remotePort: number
  /** The kernel's TCP state name, e.g. ESTABLISHED, CLOSE_WAIT. */
  readonly state: string
}

/**
 * The TCP sockets this process holds open, read from the kernel (`/proc/self/fd` and `/proc/net/tcp{,6}`),
 * not from any library's bookkeeping: the independent witness that a socket spinup says is closed really
 * is. Listening sockets are left out.
 */
export function osSockets(filter: { remotePort?: number; localPort?: number } = {}): OsSocket[] {
  requireProc('osSockets()')
  const inodes = socketInodes()
  const out: OsSocket[] = []
  for (const row of readTcpTable()) {
    if (row.state === 'LISTEN' || !inodes.has(row.inode)) continue
    if (filter.remotePort !== undefined && row.remotePort !== filter.remotePort) continue
    if (filter.localPort !== undefined && row.localPort !== filter.localPort) continue
    const { localAddress, localPort, remoteAddress, remotePort, state } = row
    out.push({ localAddress, localPort, remoteAddress, remotePort, state })
  }
  return out
}
