import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** One TCP connection of this process as the kernel lists it. */
export interface OsSocket {
  readonly localAddress: string
  readonly localPort: number
  readonly remoteAddress: string
  readonly remotePort: number
  /** The kernel's TCP state name, e.g. ESTABLISHED, CLOSE_WAIT. */
  readonly state: string
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
 * The TCP sockets this process holds open, read from the kernel (`/proc/self/fd` and `/proc/net/tcp{,6}`),
 * not from any library's bookkeeping: the independent witness that a socket spinup says is closed really
 * is. Listening sockets are left out. Linux only; elsewhere it throws.
 */
export function osSockets(filter: { remotePort?: number; localPort?: number } = {}): OsSocket[] {
  const inodes = ownSocketInodes()
  const out: OsSocket[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields.length < 10) continue
      const state = tcpStates[fields[3]!] ?? fields[3]!
      if (state === 'LISTEN' || !inodes.has(fields[9]!)) continue
      const [localAddress, localPort] = parseEndpoint(fields[1]!)
      const [remoteAddress, remotePort] = parseEndpoint(fields[2]!)
      if (filter.remotePort !== undefined && remotePort !== filter.remotePort) continue
      if (filter.localPort !== undefined && localPort !== filter.localPort) continue
      out.push({ localAddress, localPort, remoteAddress, remotePort, state })
    }
  }
  return out
}

function ownSocketInodes(): Set<string> {
  if (process.platform !== 'linux') {
    throw new Error('osSockets() reads /proc and works on Linux only.')
  }
  const inodes = new Set<string>()
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1))
    } catch {
      // The descriptor closed while we listed them.
    }
  }
  return inodes
}

function parseEndpoint(hex: string): [string, number] {
  const [address, port] = hex.split(':') as [string, string]
  return [address.length === 8 ? ipv4(address) : ipv6(address), Number.parseInt(port, 16)]
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
