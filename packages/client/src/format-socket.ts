import { isAbsolute, relative } from 'node:path'
import type { SocketRecord } from './types.js'

/**
 * The one human-readable description of a socket, shared by the leak guard of @spinup/fixtures and the
 * matchers of @spinup/matchers, so a socket reads the same wherever it is reported:
 *
 *   #3 active  127.0.0.1:51234 → 127.0.0.1:3000  open 1.2s, 2 requests
 *      GET http://127.0.0.1:3000/big  since 1.1s, body not read to the end
 *      made at test/leak.test.ts:12:25
 */
export function formatSocket(record: SocketRecord, now = Date.now()): string {
  const lines = [
    `#${record.id} ${record.state.padEnd(6)} ${record.localAddress}:${record.localPort} → ` +
      `${formatHost(record.remoteAddress)}:${record.remotePort}  open ${formatAge(now - record.openedAt)}, ` +
      `${record.requests} ${record.requests === 1 ? 'request' : 'requests'}`,
  ]
  const request = record.request
  if (request) {
    const progress = request.responseStarted ? 'body not read to the end' : 'waiting for the response'
    lines.push(
      `   ${request.method} ${request.url}  since ${formatAge(now - request.startedAt)}, ${progress}`,
    )
    lines.push(
      `   made at ${request.callSite ? displayPath(request.callSite.location) : '(no call site outside spinup and undici)'}`,
    )
  }
  return lines.join('\n')
}

/** Formats several sockets, one block each, or says that there are none. */
export function formatSockets(records: readonly SocketRecord[], now = Date.now()): string {
  if (records.length === 0) return '(no open sockets)'
  return records.map((record) => formatSocket(record, now)).join('\n')
}

/** A location under the working directory, relative to it (as editors and terminals open it); else as is. */
function displayPath(location: string): string {
  const shown = relative(process.cwd(), location)
  return shown.startsWith('..') || isAbsolute(shown) ? location : shown
}

function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address
}

/** `850ms`, `1.2s`, `3m05s`. */
export function formatAge(ms: number): string {
  const clamped = Math.max(0, Math.round(ms))
  if (clamped < 1000) return `${clamped}ms`
  if (clamped < 60_000) return `${(clamped / 1000).toFixed(1)}s`
  const minutes = Math.floor(clamped / 60_000)
  const seconds = Math.floor((clamped % 60_000) / 1000)
  return `${minutes}m${String(seconds).padStart(2, '0')}s`
}
