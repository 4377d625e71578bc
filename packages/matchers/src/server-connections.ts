import { formatSocket, type SocketRecord } from '@spinup/client'
import { describeValue, formatDuration, formatEndpoint, indent, plural } from '@spinup/client/format'
import { MatcherUsageError } from './errors.js'
import { classifyTarget, type ServerConnectionLike, type ServerHandleLike } from './targets.js'
import { code } from './text.js'

/** The connections a server holds right now, as the server sees them. */
export interface ConnectionCount {
  readonly count: number
  /** `http://127.0.0.1:3000`, when the handle says. */
  readonly origin: string | undefined
  readonly blocks: readonly string[]
  readonly hints: readonly string[]
}

/**
 * Reads a server handle's own view of its connections and, where the handle comes with a spinup Session
 * (`useServer()` does), pairs each server-side connection with the client socket at its other end, so
 * the message names the request and the line of the test that opened it.
 */
export function countConnections(handle: ServerHandleLike, now = Date.now()): ConnectionCount {
  const connections = readConnections(handle)
  const clientSockets = clientSideOf(handle)
  const inFlight = connections.filter((c) => c.inFlight).length
  let idleOfSession = 0
  const blocks = connections.map((connection) => {
    const client = clientSockets?.find(
      (record) =>
        record.localPort === connection.remotePort && sameHost(record.localAddress, connection.remoteAddress),
    )
    if (client?.state === 'idle' && !connection.inFlight) idleOfSession++
    return formatServerConnection(connection, client, clientSockets !== undefined, now)
  })
  const hints: string[] = []
  if (inFlight > 0) {
    hints.push(
      `${plural(inFlight, 'request is', 'requests are')} still being answered: does the handler end every ` +
        'response? A client that stops reading also keeps the request in flight.',
    )
  }
  if (connections.length > inFlight) {
    hints.push(
      (idleOfSession > 0
        ? `${plural(idleOfSession, 'idle connection is', 'idle connections are')} kept alive by api.session: ` +
          `${code('await api.session.closeAllConnections()')} closes ${idleOfSession === 1 ? 'it' : 'them'} ` +
          '(useServer() does it after every test). '
        : connections.every((c) => c.requests !== undefined)
          ? 'Idle keep-alive connections stay open until a client closes them. '
          : 'Keep-alive connections stay open until a client closes them. ') +
        'The server learns of a close a moment after the client made it, so wait for it: ' +
        `${code('await expect.poll(() => api).toHaveOpenConnections(0)')}.`,
    )
  }
  return { count: connections.length, origin: handleOrigin(handle), blocks, hints }
}

/** The handle's `connections()`: `{ list: […] }` as @spinup/fixtures returns it, or a bare array. */
function readConnections(handle: ServerHandleLike): readonly ServerConnectionLike[] {
  const view: unknown = handle.connections()
  const list = Array.isArray(view) ? view : (view as { list?: unknown } | null)?.list
  if (!Array.isArray(list)) {
    throw new MatcherUsageError(
      "toHaveOpenConnections() reads the handle's connections(), which should return { list: [...] } " +
        `(as useServer() and startServer() of @spinup/fixtures do) or an array, but it returned ${describeValue(view)}.`,
    )
  }
  return list as readonly ServerConnectionLike[]
}

function formatServerConnection(
  connection: ServerConnectionLike,
  client: SocketRecord | undefined,
  knowsClient: boolean,
  now: number,
): string {
  const facts: string[] = []
  if (connection.openedAt !== undefined) facts.push(`open ${formatDuration(now - connection.openedAt)}`)
  if (connection.requests !== undefined) facts.push(plural(connection.requests, 'request'))
  if (!connection.inFlight && connection.requests !== undefined) facts.push('idle')
  const lines = [
    `from ${formatEndpoint(connection.remoteAddress, connection.remotePort)}` +
      (facts.length > 0 ? `  ${facts.join(', ')}` : ''),
  ]
  const request = connection.inFlight
  if (request) {
    lines.push(
      `   ${request.method} ${request.url}  in flight for ${formatDuration(now - request.startedAt)}`,
    )
  }
  if (client) {
    lines.push('   its client socket, in api.session:', indent(formatSocket(client, now), 3))
  } else if (knowsClient) {
    lines.push('   not a socket of api.session: another client opened it')
  }
  return lines.join('\n')
}

/** The client sockets of the session that comes with the handle, if it has one. */
function clientSideOf(handle: ServerHandleLike): SocketRecord[] | undefined {
  let session: unknown
  try {
    session = handle.session
  } catch {
    // A useServer() handle read outside a test throws; the server's own view still stands.
    return undefined
  }
  const target = classifyTarget(session)
  return target?.kind === 'session' ? target.session.sockets() : undefined
}

function handleOrigin(handle: ServerHandleLike): string | undefined {
  try {
    return typeof handle.origin === 'string' ? handle.origin : undefined
  } catch {
    return undefined
  }
}

const unmapped = (address: string) => address.replace(/^::ffff:/, '')

function sameHost(a: string, b: string): boolean {
  return unmapped(a) === unmapped(b)
}
