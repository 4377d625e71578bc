import { Session } from '@spinup/client'
import { failureOf, startTestServer, type TestServer } from '@spinup/test-support'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { locationOf, normalize } from './support/normalize.js'
import { routes } from './support/routes.js'

let api: TestServer
let other: TestServer
let session: Session
const pending: Promise<unknown>[] = []

beforeEach(async () => {
  ;[api, other] = await Promise.all([startTestServer(routes), startTestServer(routes)])
  session = new Session({ baseUrl: api.url })
})
afterEach(async () => {
  await session.close()
  // Requests left waiting on purpose reject when the session closes; that is expected here.
  await Promise.allSettled(pending.splice(0))
  await Promise.all([api.close(), other.close()])
})

const ports = () => ({ api: api.port, other: other.port })

describe('a session with nothing open', () => {
  test('has 0 open, idle and active sockets, and .not reads naturally', async () => {
    expect(session).toHaveOpenSockets(0)
    expect(session).toHaveIdleSockets(0)
    expect(session).toHaveActiveSockets(0)
    expect(session).not.toHaveOpenSockets(1)
    expect(normalize(failureOf(() => expect(session).not.toHaveOpenSockets(0)))).toMatchInlineSnapshot(`
      "expect(session).not.toHaveOpenSockets(0)

      Expected not to find exactly 0 open sockets, but found none."
    `)
    expect(normalize(failureOf(() => expect(session).toHaveIdleSockets(1)))).toMatchInlineSnapshot(`
      "expect(session).toHaveIdleSockets(1)

      Expected 1 idle socket, found none."
    `)
  })
})

describe('a streamed body left unread', () => {
  test('counts as an open, active socket, named with its request and the line that made it', async () => {
    const res = await session.stream('/stream') // ← the leak
    expect(res.status).toBe(200)

    expect(session).toHaveOpenSockets(1)
    expect(session).toHaveActiveSockets(1)
    expect(session).toHaveIdleSockets(0)

    const message = failureOf(() => expect(session).toHaveOpenSockets(0))
    expect(message).toContain(locationOf(import.meta.url, '// ← the leak'))
    expect(normalize(message, ports())).toMatchInlineSnapshot(`
      "expect(session).toHaveOpenSockets(0)

      Expected 0 open sockets, found 1:
        #1 active 127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 1 request
           GET http://127.0.0.1:<api>/stream  since <age>, body not read to the end
           made at test/session-sockets.test.ts:<line>

      Hint: 1 socket is held by a response whose body was never read to the end. Read it
            (await res.text()) or dispose of it (await res.dispose(), or
            \`await using res = await session.stream(…)\`), or use session.get(), which reads the body for
            you."
    `)
    await res.dispose()
    expect(session).toHaveOpenSockets(0)
  })

  test('twenty of them are each listed, with one hint for all', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => session.stream('/stream')))
    expect(session).toHaveActiveSockets(20)
    const message = failureOf(() => expect(session).toHaveActiveSockets(0))
    expect(message.match(/^ {2}#\d+ active /gm)).toHaveLength(20)
    expect(message.match(/^Hint: /gm)).toHaveLength(1)
    expect(message).toContain('20 sockets are held by a response whose body was never read to the end')
    await Promise.all(streams.map((s) => s.dispose()))
    expect(session).toHaveOpenSockets(0)
  })

  test('a disposed stream frees its socket and a read one goes back to the pool as idle', async () => {
    const read = await session.stream('/hello')
    await read.text()
    expect(session).toHaveIdleSockets(1)
    expect(session).toHaveActiveSockets(0)
    const message = failureOf(() => expect(session).toHaveOpenSockets(0))
    expect(normalize(message, ports())).toMatchInlineSnapshot(`
      "expect(session).toHaveOpenSockets(0)

      Expected 0 open sockets, found 1:
        #1 idle   127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 1 request

      Hint: 1 idle socket is kept alive for reuse: await session.closeAllConnections() closes it
            (useServer() does it after every test)."
    `)
  })
})

describe('a request still waiting for its response', () => {
  test('is an active socket whose hint asks for an await or a timeout', async () => {
    pending.push(session.get('/never').catch((error: unknown) => error))
    await api.receivedRequests(1)
    expect(session).toHaveActiveSockets(1)
    const message = failureOf(() => expect(session).toHaveActiveSockets(0))
    expect(normalize(message, ports())).toMatchInlineSnapshot(`
      "expect(session).toHaveActiveSockets(0)

      Expected 0 active sockets, found 1:
        #1 active 127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 1 request
           GET http://127.0.0.1:<api>/never  since <age>, waiting for the response
           made at test/session-sockets.test.ts:<line>

      Hint: 1 request is still waiting for a response: is an await missing, or does the server never
            answer? Await it, or bound it with a timeout or an AbortSignal."
    `)
  })
})

describe('filters', () => {
  test('origin and state count only the matching sockets and name the others', async () => {
    await session.get('/hello')
    const res = await session.stream(`${other.url}/stream`)
    expect(session).toHaveOpenSockets(2)
    expect(session).toHaveOpenSockets(1, { origin: api.url })
    expect(session).toHaveOpenSockets(1, { origin: `${other.url}/any/path?q=1` })
    expect(session).toHaveOpenSockets(1, { origin: new URL(other.url) })
    expect(session).toHaveOpenSockets(1, { state: 'idle' })
    expect(session).toHaveOpenSockets(0, { origin: api.url, state: 'active' })
    expect(session).toHaveIdleSockets(0, { origin: other.url })
    expect(session).toHaveActiveSockets(1, { origin: other.url })

    // Fewer than expected: the sockets the filter left out are the likely explanation, so they are listed.
    const tooFew = failureOf(() => expect(session).toHaveIdleSockets(2))
    expect(normalize(tooFew, ports())).toMatchInlineSnapshot(`
      "expect(session).toHaveIdleSockets(2)

      Expected 2 idle sockets, found 1:
        #1 idle   127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 1 request

      Not counted: 1 other open socket, not idle:
        #2 active 127.0.0.1:<port> → 127.0.0.1:<other>  open <age>, 1 request
           GET http://127.0.0.1:<other>/stream  since <age>, body not read to the end
           made at test/session-sockets.test.ts:<line>"
    `)
    // More than expected: the counted sockets are listed; the rest is only counted.
    const tooMany = failureOf(() => expect(session).toHaveOpenSockets(0, { origin: other.url }))
    expect(normalize(tooMany, ports())).toMatchInlineSnapshot(`
      "expect(session).toHaveOpenSockets(0, { origin: 'http://127.0.0.1:<other>' })

      Expected 0 open sockets to http://127.0.0.1:<other>, found 1:
        #1 active 127.0.0.1:<port> → 127.0.0.1:<other>  open <age>, 1 request
           GET http://127.0.0.1:<other>/stream  since <age>, body not read to the end
           made at test/session-sockets.test.ts:<line>

      Not counted: 1 other open socket, to another origin.

      Hint: 1 socket is held by a response whose body was never read to the end. Read it
            (await res.text()) or dispose of it (await res.dispose(), or
            \`await using res = await session.stream(…)\`), or use session.get(), which reads the body for
            you."
    `)
    await res.dispose()
  })

  test('.not with a filter', async () => {
    await session.get('/hello')
    expect(session).not.toHaveOpenSockets(1, { origin: other.url })
    const message = failureOf(() => expect(session).not.toHaveOpenSockets(1, { state: 'idle' }))
    expect(normalize(message, ports())).toMatchInlineSnapshot(`
      "expect(session).not.toHaveOpenSockets(1, { state: 'idle' })

      Expected not to find exactly 1 idle socket, but found exactly that:
        #1 idle   127.0.0.1:<port> → 127.0.0.1:<api>  open <age>, 1 request"
    `)
  })
})

test('messages fit a terminal 100 columns wide', async () => {
  await session.get('/hello')
  const res = await session.stream('/stream')
  pending.push(session.get('/never').catch((error: unknown) => error))
  await api.receivedRequests(3)
  const message = failureOf(() => expect(session).toHaveOpenSockets(0))
  const tooWide = message
    .split('\n')
    .filter((line) => !line.includes(' made at ')) // a file path is as long as it is
    .filter((line) => line.length > 100)
  expect(tooWide).toEqual([])
  await res.dispose()
})
