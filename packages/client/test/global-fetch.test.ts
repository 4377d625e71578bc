import { startTestServer, type TestServer } from '@spinup/test-support'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { Session } from '../src/index.js'
import { osSockets } from '../src/os/index.js'

let server: TestServer
let session: Session

beforeEach(async () => {
  server = await startTestServer((req, res) => {
    if (req.url === '/hold') res.write('part of a body that never ends')
    else res.end(`fetched ${req.url}`)
  })
  session = new Session()
})
afterEach(async () => {
  await session.close()
  await server.close()
})

test("Node's built-in fetch, routed through a session, is counted and closed by it", async () => {
  const route = session.routeGlobalFetch()
  try {
    // The code under test calls the global fetch, unaware of spinup.
    const res = await globalThis.fetch(`${server.url}/from-app`)
    expect(await res.text()).toBe('fetched /from-app')
    expect(session.stats()).toMatchObject({ requests: 1, opened: 1 })
    expect(session.sockets()).toMatchObject([{ origin: server.url, requests: 1 }])

    await session.closeAllConnections()
    expect(osSockets({ remotePort: server.port })).toHaveLength(0)
    await server.connections[0]!.closed
  } finally {
    route.restore()
  }

  // Restored: fetch goes through Node's own dispatcher again, and the session sees nothing of it.
  const after = await globalThis.fetch(`${server.url}/after`, { headers: { connection: 'close' } })
  expect(await after.text()).toBe('fetched /after')
  expect(session.stats().requests).toBe(1)
})

test('`using` restores the global fetch at the end of the block', async () => {
  {
    using _route = session.routeGlobalFetch()
    await (await fetch(`${server.url}/inside`)).text()
  }
  await (await fetch(`${server.url}/outside`, { headers: { connection: 'close' } })).text()
  expect(session.stats().requests).toBe(1)
})

test('a request through session.dispatcher names its call site', async () => {
  const { request } = await import('undici')
  const res = await request(`${server.url}/hold`, { dispatcher: session.dispatcher })
  const sockets = session.sockets()
  expect(sockets).toMatchObject([{ state: 'active', request: { method: 'GET', url: `${server.url}/hold` } }])
  expect(sockets[0]?.request?.callSite?.location).toMatch(/global-fetch\.test\.ts:\d+:\d+$/)
  res.body.on('error', () => {}).destroy()
  await server.connections[0]!.closed
  expect(session.sockets()).toEqual([])
})

test('sequential undici.request and fetch calls on session.dispatcher share one connection, as session.get does', async () => {
  // The code under test reads each body and makes its next request at once, before undici has freed
  // the connection (a turn later): the session hands that request to the connection that just ended.
  const { request } = await import('undici')
  for (let i = 0; i < 20; i++) {
    const res = await request(`${server.url}/r/${i}`, { dispatcher: session.dispatcher })
    expect(await res.body.text()).toBe(`fetched /r/${i}`)
  }
  for (let i = 0; i < 20; i++) {
    // Node's fetch types `dispatcher` with its bundled undici-types: another declaration of the same class.
    const init = { dispatcher: session.dispatcher } as unknown as RequestInit
    const res = await fetch(`${server.url}/f/${i}`, init)
    expect(await res.text()).toBe(`fetched /f/${i}`)
  }
  // Counted by the server, not by the session.
  expect(server.connections).toHaveLength(1)
  expect(server.connections[0]!.requests).toBe(40)
  expect(session.stats()).toMatchObject({ opened: 1, reused: 39, requests: 40 })
})

test("the caller's dispatch options stay as they were, and frozen ones are tracked too", async () => {
  const opts = { origin: server.url, path: '/plain', method: 'GET' as const }
  const res = await session.dispatcher.request(opts)
  expect(await res.body.text()).toBe('fetched /plain')
  // The context rides on the object without changing what it enumerates or serialises to.
  expect(Object.keys(opts)).toEqual(['origin', 'path', 'method'])
  expect(JSON.stringify(opts)).toBe(JSON.stringify({ origin: server.url, path: '/plain', method: 'GET' }))

  const frozen = Object.freeze({ origin: server.url, path: '/hold', method: 'GET' as const })
  const held = await session.dispatcher.request(frozen)
  expect(session.sockets({ state: 'active' })).toMatchObject([
    { request: { method: 'GET', url: `${server.url}/hold` } },
  ])
  held.body.on('error', () => {}).destroy()
  await server.connections.at(-1)!.closed
})
