import type { Socket } from 'node:net'
import { formatSocket, type SocketRecord, type SocketState } from '@spinup/client'
import { formatEndpoint, plural } from '@spinup/client/format'
import type { CheckedFilter } from './socket-filter.js'
import type { HttpAgentLike, SessionLike, Target, UndiciStatsLike } from './targets.js'
import { code } from './text.js'

/** What a client-side target holds right now, split into the sockets a matcher counts and the rest. */
export interface SocketCount {
  readonly count: number
  /** One block of text per counted socket (or per origin, when the target knows only numbers). */
  readonly counted: readonly string[]
  /** How many open sockets the filter left out, and a block for each. */
  readonly uncountedCount: number
  readonly uncounted: readonly string[]
  /** What to do about the counted sockets, when there are more than the test wanted. */
  readonly hints: readonly string[]
  /** Said when the target cannot tell which request or line of code holds a socket. */
  readonly note: string | undefined
}

/** Reads the live sockets of a Session, an undici dispatcher or a node:http Agent. */
export function countSockets(
  target: Exclude<Target, { kind: 'server' }>,
  filter: CheckedFilter,
  now = Date.now(),
): SocketCount {
  switch (target.kind) {
    case 'session':
      return countSessionSockets(target.session, filter, now)
    case 'undici':
      return countUndiciSockets(target.read(), target.name, filter)
    case 'http-agent':
      return countHttpAgentSockets(target.agent, filter)
  }
}

function countSessionSockets(session: SessionLike, filter: CheckedFilter, now: number): SocketCount {
  const all = session.sockets()
  const matches = (record: SocketRecord) =>
    (filter.origin === undefined || record.origin === filter.origin) &&
    (filter.state === undefined || record.state === filter.state)
  const counted = all.filter(matches)
  const uncounted = all.filter((record) => !matches(record))
  return {
    count: counted.length,
    counted: counted.map((record) => formatSocket(record, now)),
    uncountedCount: uncounted.length,
    uncounted: uncounted.map((record) => formatSocket(record, now)),
    hints: sessionHints(counted),
    note: undefined,
  }
}

/** Hints about the sockets a Session holds, strongest cause first. */
function sessionHints(records: readonly SocketRecord[]): string[] {
  const streamed = records.filter((r) => r.state === 'active' && r.request?.responseStarted).length
  const waiting = records.filter((r) => r.state === 'active' && !r.request?.responseStarted).length
  const idle = records.filter((r) => r.state === 'idle').length
  const hints: string[] = []
  if (streamed > 0) {
    hints.push(
      `${plural(streamed, 'socket is', 'sockets are')} held by a response whose body was never read to the ` +
        `end. Read it (${code('await res.text()')}) or dispose of it (${code('await res.dispose()')}, or ` +
        `${code('`await using res = await session.stream(…)`')}), or use ${code('session.get()')}, which ` +
        'reads the body for you.',
    )
  }
  if (waiting > 0) {
    hints.push(
      `${plural(waiting, 'request is', 'requests are')} still waiting for a response: is an await missing, ` +
        'or does the server never answer? Await it, or bound it with a timeout or an AbortSignal.',
    )
  }
  if (idle > 0) {
    hints.push(
      `${plural(idle, 'idle socket is', 'idle sockets are')} kept alive for reuse: ` +
        `${code('await session.closeAllConnections()')} closes ${idle === 1 ? 'it' : 'them'} ` +
        '(useServer() does it after every test).',
    )
  }
  return hints
}

function countUndiciSockets(
  entries: ReadonlyArray<{ readonly origin: string | undefined; readonly stats: UndiciStatsLike }>,
  name: string,
  filter: CheckedFilter,
): SocketCount {
  let count = 0
  let total = 0
  let active = 0
  let idle = 0
  const counted: string[] = []
  const uncounted: string[] = []
  for (const { origin, stats } of entries) {
    const open = Number(stats.connected)
    // Undici counts requests, not sockets: without pipelining each running request holds one socket.
    // (Its `free` lags behind: it still says 0 for a socket that went idle a moment ago.)
    const originActive = Math.min(stats.running, open)
    const originIdle = open - originActive
    const waiting = stats.pending + (stats.queued ?? 0)
    if (open === 0 && waiting === 0) continue
    const inOrigin = filter.origin === undefined || origin === filter.origin
    const here = !inOrigin
      ? 0
      : filter.state === 'active'
        ? originActive
        : filter.state === 'idle'
          ? originIdle
          : open
    total += open
    count += here
    if (inOrigin) {
      active += filter.state === 'idle' ? 0 : originActive
      idle += filter.state === 'active' ? 0 : originIdle
    }
    const line =
      `${origin ?? '(origin not exposed by this undici version)'}  ${plural(open, 'connection')} open: ` +
      `${originActive} active, ${originIdle} idle` +
      (waiting > 0 ? `; ${plural(waiting, 'request')} waiting for a connection` : '')
    ;(here > 0 ? counted : uncounted).push(line)
  }
  const hints: string[] = []
  if (active > 0) {
    hints.push(
      `${plural(active, 'connection is', 'connections are')} busy with a request; a response body that is ` +
        `never read keeps its connection: read it (${code('await body.text()')}) or discard it ` +
        `(${code('await body.dump()')}).`,
    )
  }
  if (idle > 0) {
    hints.push(
      `${plural(idle, 'idle connection is', 'idle connections are')} kept alive for reuse: ` +
        `${code(`await ${name}.close()`)} closes ${idle === 1 ? 'it' : 'them'} (and the ${name}).`,
    )
  }
  return {
    count,
    counted,
    uncountedCount: total - count,
    uncounted,
    hints,
    note:
      "undici's stats count connections per origin; they cannot say which socket a request holds or which " +
      'line of the test made it. A spinup Session can: send the requests through ' +
      `${code('new Session({ baseUrl })')}, or pass ${code('session.dispatcher')} where your code takes an ` +
      'undici dispatcher.',
  }
}

interface AgentSocket {
  readonly socket: Socket
  readonly state: SocketState
  readonly key: string
}

function countHttpAgentSockets(agent: HttpAgentLike, filter: CheckedFilter): SocketCount {
  const sockets: AgentSocket[] = []
  for (const [pool, state] of [
    [agent.sockets, 'active'],
    [agent.freeSockets, 'idle'],
  ] as const) {
    for (const [key, list] of Object.entries(pool)) {
      for (const socket of list ?? []) {
        if (!socket.destroyed) sockets.push({ socket, state, key })
      }
    }
  }
  const matches = (entry: AgentSocket) =>
    (filter.origin === undefined || agentKeyServes(entry.key, agent.protocol, filter.origin)) &&
    (filter.state === undefined || entry.state === filter.state)
  const counted = sockets.filter(matches)
  const uncounted = sockets.filter((entry) => !matches(entry))
  const queued = Object.values(agent.requests).reduce((sum, list) => sum + (list?.length ?? 0), 0)
  const hints: string[] = []
  const active = counted.filter((entry) => entry.state === 'active').length
  const idle = counted.length - active
  if (active > 0) {
    hints.push(
      `${plural(active, 'socket is', 'sockets are')} in use; a response whose body is never read keeps its ` +
        `socket: read it, or drain it with ${code('res.resume()')}.`,
    )
  }
  if (idle > 0) {
    hints.push(
      `${plural(idle, 'idle socket is', 'idle sockets are')} kept alive for reuse: ` +
        `${code('agent.destroy()')} closes ${idle === 1 ? 'it' : 'them'}.`,
    )
  }
  if (queued > 0) hints.push(`${plural(queued, 'request')} more wait for a free socket.`)
  return {
    count: counted.length,
    counted: counted.map(formatAgentSocket),
    uncountedCount: uncounted.length,
    uncounted: uncounted.map(formatAgentSocket),
    hints,
    note:
      'A node:http Agent keeps no record of when a socket opened or which line of the test made its request. ' +
      `A spinup Session does: send the requests through ${code('new Session({ baseUrl })')}.`,
  }
}

/** http.Agent names its pools `host:port:localAddress[:…]`; this tells whether one serves `origin`. */
function agentKeyServes(key: string, protocol: string | undefined, origin: string): boolean {
  const url = new URL(origin)
  if (protocol !== undefined && protocol !== url.protocol) return false
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return key.startsWith(`${host}:${port}:`)
}

function formatAgentSocket({ socket, state }: AgentSocket): string {
  const line = `${state.padEnd(6)} ${formatEndpoint(socket.localAddress, socket.localPort)} → ${formatEndpoint(socket.remoteAddress, socket.remotePort)}`
  // The request on a socket in use: node sets `_httpMessage` for as long as a ClientRequest owns it.
  const request = (socket as { _httpMessage?: { method?: unknown; path?: unknown } })._httpMessage
  if (state === 'active' && typeof request?.method === 'string' && typeof request.path === 'string') {
    return `${line}\n   ${request.method} ${request.path}`
  }
  return line
}
