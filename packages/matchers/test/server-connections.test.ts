import { osSockets } from '@spinup/client/os'
// The real useServer() handle, not a stand-in of the same shape. @spinup/fixtures depends on this package,
// so this package cannot declare it back: a dependency cycle lets pnpm build the two at once, and fixtures'
// build fails on a fresh clone without matchers' dist. The workspace root's devDependency provides it (for
// vitest.config.ts), built before any test runs.
import { useServer } from '@spinup/fixtures'
import { asyncFailureOf, failureOf } from '@spinup/test-support'
import { afterEach, expect, test } from 'vitest'
import { locationOf, normalize } from './support/normalize.js'
import { routes } from './support/routes.js'

// Requests left in flight on purpose settle once useServer's own afterEach (registered later, so run
// earlier) has closed the session and stopped the server.
const pending: Promise<unknown>[] = []
afterEach(async () => {
  await Promise.all(pending.splice(0))
})

// These tests leave requests in flight on purpose: the leak check at the end of each test is fixtures' own
// behaviour, tested there.
const api = useServer(routes, { leaks: 'off' })

test('counts the connections the server holds, as the server sees them', async () => {
  expect(api).toHaveOpenConnections(0)
  await api.session.get('/hello')
  // The client has its socket once the response is read; the server accepted it before answering.
  expect(api).toHaveOpenConnections(1)
  expect(api).not.toHaveOpenConnections(0)
  // The kernel's word: this process holds the server's side of one connection.
  expect(osSockets({ localPort: api.port })).toHaveLength(1)
})

test('a close the client makes reaches the server a moment later: expect.poll waits for it', async () => {
  await api.session.get('/hello')
  await api.session.closeAllConnections()
  expect(api.session).toHaveOpenSockets(0)
  await expect.poll(() => api, { timeout: 2_000, interval: 5 }).toHaveOpenConnections(0)
  expect(osSockets({ localPort: api.port })).toEqual([])
})

test('the message pairs each connection with its client socket: request, and the line that made it', async () => {
  await api.session.get('/hello')
  pending.push(api.session.get('/never').catch((error: unknown) => error)) // ← still in flight
  await expect.poll(() => api.connections().inFlight.length).toBe(1)
  // A second client: the server sees its connection, the session knows nothing of it.
  const response = await fetch(`${api.origin}/hello`)
  await response.text()
  const message = failureOf(() => expect(api).toHaveOpenConnections(1))
  expect(message).toContain(locationOf(import.meta.url, '// ← still in flight'))
  expect(normalize(message, { api: api.port })).toMatchInlineSnapshot(`
    "expect(api).toHaveOpenConnections(1)

    Expected 1 open connection on http://127.0.0.1:<api>, found 2, as the server sees them:
      from 127.0.0.1:<port>  open <age>, 2 requests
         GET /never  in flight for <age>
         its client socket, in api.session:
         #1 active 127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 2 requests
            GET http://127.0.0.1:<api>/never  since <age>, waiting for the response
            made at test/server-connections.test.ts:<line>
      from 127.0.0.1:<port>  open <age>, 1 request, idle
         not a socket of api.session: another client opened it

    Hint: 1 request is still being answered: does the handler end every response? A client that stops
          reading also keeps the request in flight.

    Hint: Idle keep-alive connections stay open until a client closes them. The server learns of a close
          a moment after the client made it, so wait for it:
          await expect.poll(() => api).toHaveOpenConnections(0)."
  `)
})

test('a connection from another client is named as such', async () => {
  const response = await fetch(`${api.origin}/hello`)
  await response.text()
  const message = failureOf(() => expect(api).toHaveOpenConnections(0))
  expect(normalize(message, { api: api.port })).toMatchInlineSnapshot(`
    "expect(api).toHaveOpenConnections(0)

    Expected 0 open connections on http://127.0.0.1:<api>, found 1, as the server sees them:
      from 127.0.0.1:<port>  open <age>, 1 request, idle
         not a socket of api.session: another client opened it

    Hint: Idle keep-alive connections stay open until a client closes them. The server learns of a close
          a moment after the client made it, so wait for it:
          await expect.poll(() => api).toHaveOpenConnections(0)."
  `)
})

test('.not, and poll giving up with the message', async () => {
  const message = failureOf(() => expect(api).not.toHaveOpenConnections(0))
  expect(normalize(message, { api: api.port })).toMatchInlineSnapshot(`
    "expect(api).not.toHaveOpenConnections(0)

    Expected not to find exactly 0 open connections on http://127.0.0.1:<api>, but found none."
  `)
  await api.session.get('/hello')
  const polled = await asyncFailureOf(() =>
    expect.poll(() => api, { timeout: 50, interval: 10 }).toHaveOpenConnections(0),
  )
  expect(polled).toContain('Expected 0 open connections on')
})

test('a handle read outside a test (its session throws) still reports the server side', async () => {
  await api.session.get('/hello')
  const handle = {
    origin: api.origin,
    connections: () => api.connections(),
    get session(): never {
      throw new Error('read outside a test')
    },
  }
  expect(handle).toHaveOpenConnections(1)
  expect(failureOf(() => expect(handle).toHaveOpenConnections(0))).not.toContain('api.session')
})

test('a connections() that returns a plain array is read too', async () => {
  await api.session.get('/hello')
  expect({ connections: () => api.connections().list }).toHaveOpenConnections(1)
})

test('a process server, whose connections come from the OS: no age, no request count, no requests', async () => {
  await api.session.get('/hello')
  const processLike = {
    origin: api.origin,
    connections: () => ({
      open: 1,
      list: api.connections().list.map((c) => ({
        ...c,
        openedAt: undefined,
        requests: undefined,
        inFlight: undefined,
      })),
      inFlight: [],
    }),
  }
  expect(processLike).toHaveOpenConnections(1)
  const message = failureOf(() => expect(processLike).toHaveOpenConnections(0))
  expect(normalize(message, { api: api.port })).toMatchInlineSnapshot(`
    "expect(api).toHaveOpenConnections(0)

    Expected 0 open connections on http://127.0.0.1:<api>, found 1, as the server sees them:
      from 127.0.0.1:<port>

    Hint: Keep-alive connections stay open until a client closes them. The server learns of a close a
          moment after the client made it, so wait for it:
          await expect.poll(() => api).toHaveOpenConnections(0)."
  `)
})

test('a connections() of the wrong shape is a usage error, not a count', () => {
  const broken = { connections: () => 3 }
  expect(() => expect(broken).not.toHaveOpenConnections(0)).toThrow(
    'connections(), which should return { list: [...] } (as useServer() and startServer() of @spinup/fixtures do) or an array, but it returned the number 3.',
  )
})
