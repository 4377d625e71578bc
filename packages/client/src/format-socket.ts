import { isAbsolute, relative } from 'node:path'
import { formatEndpoint } from './format/address.js'
import { formatDuration } from './format/duration.js'
import { plural } from './format/plural.js'
import type { SocketRecord } from './types.js'

/**
 * The one human-readable description of a socket, shared by the leak guard of @spinup/fixtures and the
 * matchers of @spinup/matchers, so a socket reads the same wherever it is reported:
 *
 *   #3 active  127.0.0.1:51234 → 127.0.0.1:3000  open 1204 ms, 2 requests
 *      GET http://127.0.0.1:3000/big  since 1130 ms, body not read to the end
 *      made at test/leak.test.ts:12:25
 */
export function formatSocket(record: SocketRecord, now = Date.now()): string {
  const lines = [
    `#${record.id} ${record.state.padEnd(6)} ${formatEndpoint(record.localAddress, record.localPort)} → ` +
      `${formatEndpoint(record.remoteAddress, record.remotePort)}  open ${formatDuration(now - record.openedAt)}, ` +
      plural(record.requests, 'request'),
  ]
  const request = record.request
  if (request) {
    const progress = request.responseStarted ? 'body not read to the end' : 'waiting for the response'
    lines.push(
      `   ${request.method} ${request.url}  since ${formatDuration(now - request.startedAt)}, ${progress}`,
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
