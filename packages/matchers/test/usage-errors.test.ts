import http from 'node:http'
import { Session, SpinupError } from '@spinup/client'
import { Agent } from 'undici'
import { afterAll, describe, expect, test } from 'vitest'
import { MatcherUsageError, matchers } from '../src/index.js'

// No server here: a wrong call is reported before any socket is looked at, and none is opened.
const session = new Session({ baseUrl: 'http://127.0.0.1:9' })
const undiciAgent = new Agent()
const httpAgent = new http.Agent()
const handle = {
  origin: 'http://127.0.0.1:9',
  connections: () => ({ open: 0, list: [], inFlight: [] }),
}
afterAll(async () => {
  await session.close()
  await undiciAgent.close()
  httpAgent.destroy()
})

/**
 * The error a wrong call throws, with its name and code checked. (By name, not class: expect() runs the
 * matchers registered by '@spinup/matchers/setup', the built package, and this file imports the source.)
 */
function usageError(call: () => unknown): string {
  try {
    call()
  } catch (error) {
    expect(error).toMatchObject({ name: 'MatcherUsageError', code: 'SPINUP_MATCHER_USAGE' })
    return (error as Error).message
  }
  throw new Error('expected the call to throw a MatcherUsageError')
}

describe('a target that is none of the supported ones', () => {
  test.each([
    ['undefined', undefined],
    ['a number', 3],
    ['a plain object', { sockets: [], open: 0 }],
    ['a Promise of a session', Promise.resolve(session)],
    ['a node:http server', http.createServer()],
  ])('%s fails, naming what was expected and what was given', (_name, value) => {
    expect(usageError(() => expect(value).toHaveOpenSockets(0))).toMatch(
      /^toHaveOpenSockets\(\) checks a spinup Session, an undici Agent, Pool or Client, or a node:http Agent, but expect\(\) was given .+\.$/,
    )
  })

  test('the messages', () => {
    expect(usageError(() => expect(Promise.resolve(session)).toHaveIdleSockets(0))).toMatchInlineSnapshot(
      `"toHaveIdleSockets() checks a spinup Session, an undici Agent, Pool or Client, or a node:http Agent, but expect() was given a Promise (is an await missing?)."`,
    )
    expect(usageError(() => expect({ open: 0 }).toHaveOpenSockets(0))).toMatchInlineSnapshot(
      `"toHaveOpenSockets() checks a spinup Session, an undici Agent, Pool or Client, or a node:http Agent, but expect() was given an object with keys "open"."`,
    )
    expect(usageError(() => expect(null).toHaveOpenConnections(0))).toMatchInlineSnapshot(
      `"toHaveOpenConnections() counts the connections a server holds, as the server sees them: it checks a handle from useServer() or startServer() of @spinup/fixtures, but expect() was given null."`,
    )
  })

  test('.not cannot turn a wrong target into a pass', () => {
    expect(usageError(() => expect(42).not.toHaveOpenSockets(0))).toContain('the number 42')
    expect(usageError(() => expect('session').not.toHaveOpenConnections(1))).toContain('the string "session"')
  })
})

describe('a supported target handed to the wrong matcher says which matcher fits', () => {
  test('a server handle to a client-side matcher', () => {
    expect(usageError(() => expect(handle).toHaveOpenSockets(0))).toMatchInlineSnapshot(
      `"toHaveOpenSockets() counts the sockets of a client, but expect() was given a server handle. Check its client side with expect(api.session).toHaveOpenSockets(…), or its server side with expect(api).toHaveOpenConnections(count)."`,
    )
  })
  test('a session, an undici Agent or an http.Agent to the server-side matcher', () => {
    expect(usageError(() => expect(session).toHaveOpenConnections(0))).toMatchInlineSnapshot(
      `"toHaveOpenConnections() counts the connections a server holds, as the server sees them: it checks a handle from useServer() or startServer() of @spinup/fixtures, but expect() was given a spinup Session; for the client side use expect(session).toHaveOpenSockets(count)."`,
    )
    expect(usageError(() => expect(undiciAgent).toHaveOpenConnections(0))).toContain(
      'for the client side use expect(agent).toHaveOpenSockets(count)',
    )
  })
  test('toHaveOpenedSocketsInTotal needs a session', () => {
    expect(usageError(() => expect(undiciAgent).toHaveOpenedSocketsInTotal(1))).toMatchInlineSnapshot(
      `"toHaveOpenedSocketsInTotal() counts the sockets a spinup Session opened in total, but expect() was given an undici Agent, which only knows the sockets open now; send the requests through a spinup Session to count every socket opened."`,
    )
    expect(usageError(() => expect(httpAgent).toHaveOpenedSocketsInTotal(1))).toContain('a node:http Agent')
    expect(usageError(() => expect(handle).toHaveOpenedSocketsInTotal(1))).toContain(
      'expect(api.session).toHaveOpenedSocketsInTotal(count)',
    )
  })
})

describe('bad arguments', () => {
  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null])('the count %s', (count) => {
    const message = usageError(() => expect(session).toHaveOpenSockets(count as number))
    expect(message).toMatch(/^toHaveOpenSockets\(count\) needs a whole number ≥ 0 as the count, but got /)
  })

  test('filters: unknown keys, a bad origin, a bad state, a state where the matcher fixes it', () => {
    const wrong = (filter: unknown) => () => expect(session).toHaveOpenSockets(0, filter as never)
    expect(usageError(wrong('idle'))).toMatchInlineSnapshot(
      `"toHaveOpenSockets(count, filter) takes an object with 'origin' and 'state' as the filter, but got the string "idle"."`,
    )
    expect(usageError(wrong({ host: '127.0.0.1' }))).toMatchInlineSnapshot(
      `"toHaveOpenSockets(count, filter): unknown filter key 'host'; the filter takes 'origin' and 'state'."`,
    )
    expect(usageError(wrong({ origin: '/relative' }))).toMatchInlineSnapshot(
      `"toHaveOpenSockets(count, { origin }): origin must be an absolute URL such as 'http://127.0.0.1:3000' (api.url or session.baseUrl will do), but got the string "/relative"."`,
    )
    expect(usageError(wrong({ origin: 3000 }))).toContain('but got the number 3000')
    expect(usageError(wrong({ state: 'closed' }))).toMatchInlineSnapshot(
      `"toHaveOpenSockets(count, { state }): state must be 'idle' or 'active', but got the string "closed"."`,
    )
    expect(
      usageError(() => expect(session).toHaveIdleSockets(0, { state: 'active' } as never)),
    ).toMatchInlineSnapshot(
      `"toHaveIdleSockets(count, filter): unknown filter key 'state'; the filter takes 'origin'. toHaveIdleSockets already counts one state; use toHaveOpenSockets(count, { state }) to choose."`,
    )
    // An explicit undefined is the same as leaving the key out.
    expect(session).toHaveOpenSockets(0, { origin: undefined, state: undefined })
  })
})

test('MatcherUsageError is a SpinupError with a stable code', () => {
  const error = new MatcherUsageError('x')
  expect(error).toBeInstanceOf(SpinupError)
  expect(error).toMatchObject({ name: 'MatcherUsageError', code: 'SPINUP_MATCHER_USAGE' })
})

test('the matchers object holds exactly the eight matchers, for expect.extend by hand', () => {
  expect(Object.keys(matchers).sort()).toEqual([
    'toHaveActiveSockets',
    'toHaveHeader',
    'toHaveIdleSockets',
    'toHaveJsonBody',
    'toHaveOpenConnections',
    'toHaveOpenSockets',
    'toHaveOpenedSocketsInTotal',
    'toHaveStatus',
  ])
})
