import { Session } from '@spinup/client'
import { osSockets } from '@spinup/client/os'
import { asyncFailureOf, startTestServer, type TestServer } from '@spinup/test-support'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { normalize } from './support/normalize.js'
import { routes } from './support/routes.js'

let api: TestServer
let session: Session

beforeEach(async () => {
  api = await startTestServer(routes)
  session = new Session({ baseUrl: api.url })
})
afterEach(async () => {
  await session.close()
  await api.close()
})

const established = () => osSockets({ remotePort: api.port }).filter((s) => s.state === 'ESTABLISHED')

test('after closeAllConnections() the matcher says 0, and so does the OS', async () => {
  await Promise.all(Array.from({ length: 3 }, () => session.get('/hello')))
  const streams = await Promise.all(Array.from({ length: 2 }, () => session.stream('/stream')))
  const open = session.stats().open
  expect(open).toBeGreaterThanOrEqual(2)
  expect(session).toHaveOpenSockets(open)
  expect(session).toHaveActiveSockets(2)
  // The kernel sees the same connections the matcher counts, port for port.
  expect(
    established()
      .map((s) => s.localPort)
      .sort(),
  ).toEqual(
    session
      .sockets()
      .map((s) => s.localPort)
      .sort(),
  )

  await session.closeAllConnections()

  expect(session).toHaveOpenSockets(0)
  expect(established()).toEqual([])
  expect(osSockets({ remotePort: api.port })).toEqual([])
  // The streams lost their sockets with the rest; disposing them now is harmless.
  await Promise.all(streams.map((s) => s.dispose()))
})

test('counts are read live at each call, not cached', async () => {
  expect(session).toHaveOpenSockets(0)
  await session.get('/hello')
  expect(session).toHaveOpenSockets(1)
  await session.closeAllConnections()
  expect(session).toHaveOpenSockets(0)
  await session.get('/hello')
  expect(session).toHaveIdleSockets(1)
})

test('a close the server starts reaches the session later: expect.poll waits for it', async () => {
  await session.get('/hello')
  expect(session).toHaveIdleSockets(1)
  // The server ends the connection; the client learns of it only when the FIN arrives.
  for (const connection of api.connections) connection.socket.end()
  await expect.poll(() => session, { timeout: 2_000, interval: 5 }).toHaveOpenSockets(0)
  expect(established()).toEqual([])
})

test('expect.poll gives up with the matcher message when the socket never closes', async () => {
  await session.get('/hello')
  const message = await asyncFailureOf(() =>
    expect.poll(() => session, { timeout: 100, interval: 20 }).toHaveOpenSockets(0),
  )
  expect(normalize(message, { api: api.port })).toMatchInlineSnapshot(`
    "expect(session).toHaveOpenSockets(0)

    Expected 0 open sockets, found 1:
      #1 idle   127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 1 request

    Hint: 1 idle socket is kept alive for reuse: await session.closeAllConnections() closes it
          (useServer() does it after every test)."
  `)
})
