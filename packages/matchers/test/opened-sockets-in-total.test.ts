import { Session } from '@spinup/client'
import { failureOf, type Handler, startTestServer, type TestServer } from '@spinup/test-support'
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

test('sequential requests reuse one connection', async () => {
  expect(session).toHaveOpenedSocketsInTotal(0)
  for (let i = 0; i < 5; i++) await session.get('/hello')
  expect(session).toHaveOpenedSocketsInTotal(1)
  expect(session).not.toHaveOpenedSocketsInTotal(5)
  // The server agrees: it accepted one connection and still holds it.
  expect(api.openConnections()).toBe(1)
})

test('closed connections still count: the total is of every connection ever opened', async () => {
  await session.get('/hello')
  await session.closeAllConnections()
  await session.get('/hello')
  expect(session).toHaveOpenedSocketsInTotal(2)
  expect(session).toHaveOpenSockets(1)
})

test('too many connections: the message tallies requests and reuse, and lists what is open', async () => {
  // Three requests the server answers only once all three arrived: three connections, for certain.
  const gate = await startTestServer(gated(3))
  try {
    await Promise.all(Array.from({ length: 3 }, () => session.get(`${gate.url}/gate`)))
    await session.get(`${gate.url}/gate`)
    const message = failureOf(() => expect(session).toHaveOpenedSocketsInTotal(1))
    // Which of the three connections the fourth request reused is the pool's choice.
    expect(
      session
        .sockets()
        .map((s) => s.requests)
        .sort(),
    ).toEqual([1, 1, 2])
    const stable = normalize(message, { gate: gate.port }).replace(
      /open <age>, \d requests?$/gm,
      'open <age>, …',
    )
    expect(stable).toMatchInlineSnapshot(`
      "expect(session).toHaveOpenedSocketsInTotal(1)

      Expected the session to have opened 1 socket in total, but it opened 3.

      4 requests: 1 on a reused socket, 0 retried. 3 sockets opened, 0 closed since, 3 open now:
        #1 idle   127.0.0.1:<port> → 127.0.0.1:<gate>  open <age>, …
        #2 idle   127.0.0.1:<port> → 127.0.0.1:<gate>  open <age>, …
        #3 idle   127.0.0.1:<port> → 127.0.0.1:<gate>  open <age>, …

      Hint: Concurrent requests need a socket each, and a socket closed by the server or by
            closeAllConnections() is replaced by a new one; sequential, awaited requests share one."
    `)
  } finally {
    await session.closeAllConnections()
    await gate.close()
  }
})

test('too few, and .not', async () => {
  await session.get('/hello')
  expect(
    normalize(
      failureOf(() => expect(session).toHaveOpenedSocketsInTotal(2)),
      { api: api.port },
    ),
  ).toMatchInlineSnapshot(`
      "expect(session).toHaveOpenedSocketsInTotal(2)

      Expected the session to have opened 2 sockets in total, but it opened 1.

      1 request: 0 on a reused socket, 0 retried. 1 socket opened, 0 closed since, 1 open now:
        #1 idle   127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 1 request

      Hint: Requests reuse pooled keep-alive sockets; await session.closeAllConnections() between requests
            makes the next one open a fresh socket."
    `)
  expect(
    normalize(
      failureOf(() => expect(session).not.toHaveOpenedSocketsInTotal(1)),
      { api: api.port },
    ),
  ).toMatchInlineSnapshot(`
      "expect(session).not.toHaveOpenedSocketsInTotal(1)

      Expected the session not to have opened exactly 1 socket in total, but it did.

      1 request: 0 on a reused socket, 0 retried. 1 socket opened, 0 closed since, 1 open now:
        #1 idle   127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 1 request"
    `)
})

/** Holds the first `count` requests until all of them arrived, then answers them together. */
function gated(count: number): Handler {
  const held: (() => void)[] = []
  let open = false
  return (_req, res) => {
    held.push(() => res.end('ok'))
    if (!open && held.length < count) return
    open = true
    for (const answer of held.splice(0)) answer()
  }
}
