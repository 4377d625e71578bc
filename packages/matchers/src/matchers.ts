import { formatSocket, type SessionStats, type SocketRecord, type SocketState } from '@spinup/client'
import { describeValue, indent, plural } from '@spinup/client/format'
import type { MatcherState } from 'vitest'
import { countSockets, type SocketCount } from './client-sockets.js'
import { MatcherUsageError } from './errors.js'
import { toHaveHeader, toHaveJsonBody, toHaveStatus } from './response-matchers.js'
import { countConnections } from './server-connections.js'
import { type CheckedFilter, checkCount, checkFilter } from './socket-filter.js'
import { classifyTarget, type Target, targetLabel } from './targets.js'
import { code, wrap } from './text.js'

/**
 * What vitest wants back from a matcher. `actual` and `expected` are the two counts compared, so vitest's
 * diff and an IDE show them next to each other, as they do for toBe.
 */
export interface MatcherOutcome {
  readonly pass: boolean
  readonly message: () => string
  readonly actual: number
  readonly expected: number
}

type ClientTarget = Exclude<Target, { kind: 'server' }>

const CLIENT_TARGETS = 'a spinup Session, an undici Agent, Pool or Client, or a node:http Agent'

function requireClientTarget(matcher: string, received: unknown): ClientTarget {
  const target = classifyTarget(received)
  if (target === undefined) {
    throw new MatcherUsageError(
      `${matcher}() checks ${CLIENT_TARGETS}, but expect() was given ${describeValue(received)}.`,
    )
  }
  if (target.kind === 'server') {
    throw new MatcherUsageError(
      `${matcher}() counts the sockets of a client, but expect() was given a server handle. Check its ` +
        `client side with expect(api.session).${matcher}(…), or its server side with ` +
        'expect(api).toHaveOpenConnections(count).',
    )
  }
  return target
}

/**
 * The first line of every message: the matcher call, its target named by kind (`session`, `api`, `agent`…,
 * see targets.ts), since a matcher never sees the variable name the test used.
 */
function callLine(
  name: string,
  isNot: boolean,
  matcher: string,
  args: readonly (string | undefined)[],
): string {
  return `expect(${name})${isNot ? '.not' : ''}.${matcher}(${args.filter((a) => a !== undefined).join(', ')})`
}

function socketNoun(count: number, state: SocketState | undefined, origin: string | undefined): string {
  return `${plural(count, `${state ?? 'open'} socket`)}${origin ? ` to ${origin}` : ''}`
}

function socketMessage(
  matcher: string,
  target: ClientTarget,
  isNot: boolean,
  expected: number,
  filter: CheckedFilter,
  found: SocketCount,
): string {
  const noun = (n: number) => socketNoun(n, filter.state, filter.origin)
  const sections = [callLine(target.name, isNot, matcher, [String(expected), filter.source])]
  const colon = found.count > 0 ? ':' : '.'
  const sentence = isNot
    ? `Expected not to find exactly ${noun(expected)}, but found ${found.count === 0 ? 'none' : 'exactly that'}${colon}`
    : `Expected ${noun(expected)}, found ${found.count === 0 ? 'none' : found.count}${colon}`
  sections.push([wrap(sentence), ...found.counted.map((block) => indent(block))].join('\n'))
  if (found.uncountedCount > 0) {
    const reason =
      filter.origin !== undefined && filter.state !== undefined
        ? `not ${filter.state} or to another origin`
        : filter.origin !== undefined
          ? 'to another origin'
          : `not ${filter.state}`
    const others = plural(found.uncountedCount, 'other open socket')
    sections.push(
      !isNot && found.count < expected
        ? [`Not counted: ${others}, ${reason}:`, ...found.uncounted.map((block) => indent(block))].join('\n')
        : `Not counted: ${others}, ${reason}.`,
    )
  }
  if (found.note && (found.count > 0 || found.uncountedCount > 0)) sections.push(wrap(found.note, 'Note: '))
  if (!isNot && found.count > expected) sections.push(...found.hints.map((hint) => wrap(hint, 'Hint: ')))
  return sections.join('\n\n')
}

function socketMatcher(matcher: string, fixedState: SocketState | undefined) {
  return function (this: MatcherState, received: unknown, count: unknown, filter?: unknown): MatcherOutcome {
    const target = requireClientTarget(matcher, received)
    const expected = checkCount(matcher, count)
    const checked = checkFilter(matcher, filter, fixedState === undefined)
    const effective: CheckedFilter = fixedState === undefined ? checked : { ...checked, state: fixedState }
    const found = countSockets(target, effective)
    const isNot = this.isNot
    return {
      pass: found.count === expected,
      message: () => socketMessage(matcher, target, isNot, expected, effective, found),
      actual: found.count,
      expected,
    }
  }
}

/**
 * `expect(session).toHaveOpenSockets(count, { origin?, state? })`: exactly `count` sockets open now, idle
 * or active, optionally to one origin or in one state. Also takes an undici Agent/Pool/Client (through
 * its `stats`) and a node:http Agent, which count but cannot say which request or line holds a socket.
 */
export const toHaveOpenSockets = socketMatcher('toHaveOpenSockets', undefined)

/** `expect(session).toHaveIdleSockets(count, { origin? })`: exactly `count` pooled sockets carry no request. */
export const toHaveIdleSockets = socketMatcher('toHaveIdleSockets', 'idle')

/**
 * `expect(session).toHaveActiveSockets(count, { origin? })`: exactly `count` sockets are held by a request,
 * one still waiting for its response or one whose body was not read to the end.
 */
export const toHaveActiveSockets = socketMatcher('toHaveActiveSockets', 'active')

/**
 * `expect(session).toHaveOpenedSocketsInTotal(count)`: the session has opened exactly `count` TCP connections
 * since it was created (`session.stats().opened`), open or closed since; the way to assert reuse.
 */
export function toHaveOpenedSocketsInTotal(
  this: MatcherState,
  received: unknown,
  count: unknown,
): MatcherOutcome {
  const matcher = 'toHaveOpenedSocketsInTotal'
  const target = classifyTarget(received)
  if (target?.kind !== 'session') {
    const given =
      target === undefined
        ? describeValue(received)
        : target.kind === 'server'
          ? 'a server handle; for the sockets its session opened use ' +
            `expect(api.session).${matcher}(count)`
          : `${targetLabel(target)}, which only knows the sockets open now; send the requests through ` +
            'a spinup Session to count every socket opened'
    throw new MatcherUsageError(
      `${matcher}() counts the sockets a spinup Session opened in total, but expect() was given ${given}.`,
    )
  }
  const expected = checkCount(matcher, count)
  // One reading, so that the message describes the very state the verdict was made on.
  const stats = target.session.stats()
  const sockets = target.session.sockets()
  const now = Date.now()
  const isNot = this.isNot
  return {
    pass: stats.opened === expected,
    message: () => openedMessage(stats, sockets, now, isNot, expected),
    actual: stats.opened,
    expected,
  }
}

function openedMessage(
  stats: SessionStats,
  sockets: readonly SocketRecord[],
  now: number,
  isNot: boolean,
  expected: number,
): string {
  const socketCount = (n: number) => plural(n, 'socket')
  const sentence = isNot
    ? `Expected the session not to have opened exactly ${socketCount(expected)} in total, but it did.`
    : `Expected the session to have opened ${socketCount(expected)} in total, but it opened ${stats.opened}.`
  const tally =
    `${plural(stats.requests, 'request')}: ${stats.reused} on a reused socket, ${stats.retried} retried. ` +
    `${socketCount(stats.opened)} opened, ${stats.closed} closed since, ${stats.open} open now` +
    (sockets.length > 0 ? ':' : '.')
  const sections = [
    callLine('session', isNot, 'toHaveOpenedSocketsInTotal', [String(expected)]),
    wrap(sentence),
    [wrap(tally), ...sockets.map((record) => indent(formatSocket(record, now)))].join('\n'),
  ]
  if (!isNot && stats.opened > expected) {
    sections.push(
      wrap(
        'Concurrent requests need a socket each, and a socket closed by the server or by ' +
          `${code('closeAllConnections()')} is replaced by a new one; sequential, awaited requests share one.`,
        'Hint: ',
      ),
    )
  } else if (!isNot && stats.opened < expected) {
    sections.push(
      wrap(
        `Requests reuse pooled keep-alive sockets; ${code('await session.closeAllConnections()')} between ` +
          'requests makes the next one open a fresh socket.',
        'Hint: ',
      ),
    )
  }
  return sections.join('\n\n')
}

/**
 * `expect(api).toHaveOpenConnections(count)`: the server behind a @spinup/fixtures handle (`useServer()` or
 * `startServer()`) holds exactly `count` connections now, as the server itself sees them. The server
 * learns of a close the client made a moment later: `await expect.poll(() => api).toHaveOpenConnections(0)`.
 */
export function toHaveOpenConnections(this: MatcherState, received: unknown, count: unknown): MatcherOutcome {
  const matcher = 'toHaveOpenConnections'
  const target = classifyTarget(received)
  if (target?.kind !== 'server') {
    const given =
      target === undefined
        ? describeValue(received)
        : `${targetLabel(target)}; for the client side use expect(${target.name}).toHaveOpenSockets(count)`
    throw new MatcherUsageError(
      `${matcher}() counts the connections a server holds, as the server sees them: it checks a handle ` +
        `from useServer() or startServer() of @spinup/fixtures, but expect() was given ${given}.`,
    )
  }
  const expected = checkCount(matcher, count)
  const found = countConnections(target.handle)
  const isNot = this.isNot
  return {
    pass: found.count === expected,
    message: () => {
      const noun = (n: number) =>
        `${plural(n, 'open connection')}${found.origin ? ` on ${found.origin}` : ''}`
      const colon = found.count > 0 ? ', as the server sees them:' : '.'
      const sentence = isNot
        ? `Expected not to find exactly ${noun(expected)}, but found ${found.count === 0 ? 'none' : 'exactly that'}${colon}`
        : `Expected ${noun(expected)}, found ${found.count === 0 ? 'none' : found.count}${colon}`
      const sections = [
        callLine('api', isNot, matcher, [String(expected)]),
        [wrap(sentence), ...found.blocks.map((block) => indent(block))].join('\n'),
      ]
      if (!isNot && found.count > expected) sections.push(...found.hints.map((hint) => wrap(hint, 'Hint: ')))
      return sections.join('\n\n')
    },
    actual: found.count,
    expected,
  }
}

/** Every matcher of this package, for `expect.extend(matchers)`. */
export const matchers = {
  toHaveStatus,
  toHaveHeader,
  toHaveJsonBody,
  toHaveOpenSockets,
  toHaveIdleSockets,
  toHaveActiveSockets,
  toHaveOpenedSocketsInTotal,
  toHaveOpenConnections,
}
