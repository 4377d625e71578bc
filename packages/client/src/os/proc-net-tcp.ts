import { closeSync, openSync, readSync } from 'node:fs'
import { requireProc } from './platform.js'

/** One row of the kernel's TCP socket table (`/proc/net/tcp` or `/proc/net/tcp6`). */
export interface TcpTableRow {
  /** Dotted IPv4 (IPv4-mapped IPv6 addresses included), else IPv6 in hex groups. */
  readonly localAddress: string
  readonly localPort: number
  readonly remoteAddress: string
  readonly remotePort: number
  /** The kernel's TCP state name, e.g. LISTEN, ESTABLISHED, CLOSE_WAIT, TIME_WAIT. */
  readonly state: string
  /**
   * The socket's inode, as in the `socket:[INODE]` links of /proc/PID/fd. `'0'` once no process holds the
   * socket (the kernel finishing TIME_WAIT or FIN_WAIT on its own).
   */
  readonly inode: string
}

/** What `readTcpTable()` reads. */
export interface ReadTcpTableOptions {
  /** The tables to read, in this order. Default: both, IPv4 first. */
  readonly tables?: readonly ('tcp' | 'tcp6')[]
  /**
   * Only the LISTEN rows, which the kernel lists first (the listening hash, then the established one):
   * stops reading at the first other row. The kernel generates about what is asked, at ~8 µs a row on a
   * small VM, so once a test run has left thousands of TIME_WAIT rows this is the difference between a few
   * microseconds and tens of milliseconds, which matters to anything that polls.
   */
  readonly listeningOnly?: boolean
}

const tcpStates: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
}

/**
 * The rows of the kernel's TCP socket tables, every process's sockets, read from /proc/net/tcp{,6}. A table
 * the kernel does not have (no tcp6: IPv6 disabled) gives no rows.
 */
export function readTcpTable(options: ReadTcpTableOptions = {}): TcpTableRow[] {
  requireProc('readTcpTable()')
  const rows: TcpTableRow[] = []
  for (const table of options.tables ?? ['tcp', 'tcp6']) {
    readTable(`/proc/net/${table}`, options.listeningOnly === true, (line) => {
      const fields = line.trim().split(/\s+/)
      if (fields.length < 10) return true
      const state = tcpStates[fields[3]!] ?? fields[3]!
      if (options.listeningOnly && state !== 'LISTEN') return false
      const [localAddress, localPort] = parseEndpoint(fields[1]!)
      const [remoteAddress, remotePort] = parseEndpoint(fields[2]!)
      rows.push({ localAddress, localPort, remoteAddress, remotePort, state, inode: fields[9]! })
      return true
    })
  }
  return rows
}

/**
 * Feeds each row of `file` (the header line skipped) to `onRow` until it returns false. With `inChunks`,
 * reads 1 KiB at a time, so stopping early spares the kernel generating the rest.
 */
function readTable(file: string, inChunks: boolean, onRow: (line: string) => boolean): void {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return
  }
  const buffer = Buffer.allocUnsafe(inChunks ? 1024 : 64 * 1024)
  let pending = ''
  let header = true
  try {
    // Bounded: 10^6 reads is far beyond any real table.
    for (let reads = 0; reads < 1_000_000; reads++) {
      const n = readSync(fd, buffer, 0, buffer.length, null)
      if (n === 0) break
      const lines = (pending + buffer.toString('latin1', 0, n)).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        if (header) {
          header = false
          continue
        }
        if (!onRow(line)) return
      }
    }
    if (pending && !header) onRow(pending)
  } finally {
    closeSync(fd)
  }
}

function parseEndpoint(hex: string): [string, number] {
  const colon = hex.lastIndexOf(':')
  const address = hex.slice(0, colon)
  return [address.length === 8 ? ipv4(address) : ipv6(address), Number.parseInt(hex.slice(colon + 1), 16)]
}

// The kernel prints addresses as 32-bit words in host byte order (little-endian on the machines we run).
function ipv4(hex: string): string {
  const bytes = Buffer.from(hex, 'hex').reverse()
  return [...bytes].join('.')
}

function ipv6(hex: string): string {
  const words: string[] = []
  for (let i = 0; i < 32; i += 8) {
    const bytes = Buffer.from(hex.slice(i, i + 8), 'hex').reverse()
    words.push(bytes.subarray(0, 2).toString('hex'), bytes.subarray(2, 4).toString('hex'))
  }
  const text = words.join(':')
  if (text.startsWith('0000:0000:0000:0000:0000:ffff:')) return ipv4(hex.slice(24))
  return text.replace(/(^|:)0{1,3}/g, '$1')
}
