import { startTestServer, type TestServer } from '@spinup/test-support'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { formatSockets, Session } from '../src/index.js'
import { establishedTo } from './support/os.js'

let server: TestServer
let session: Session

beforeEach(async () => {
  // Each response sends its first chunk and never ends on its own: the body stays unread.
  server = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('first chunk\n')
  })
  session = new Session({ baseUrl: server.url })
})
afterEach(async () => {
  await session.close()
  await server.close()
})

test('twenty unconsumed streams are twenty active sockets, each naming its request and call site', async () => {
  const streams = []
  for (let i = 0; i < 20; i++) streams.push(await session.stream(`/big/${i}`))

  const active = session.sockets({ state: 'active' })
  expect(active).toHaveLength(20)
  expect(establishedTo(server.port)).toHaveLength(20)
  expect(active.map((s) => s.request?.url).sort()).toEqual(
    Array.from({ length: 20 }, (_, i) => `${server.url}/big/${i}`).sort(),
  )
  for (const socket of active) {
    expect(socket.request).toMatchObject({ method: 'GET', responseStarted: true })
    // The call site is the `session.stream(…)` line above, in this very file.
    expect(socket.request?.callSite?.location).toMatch(/streaming\.test\.ts:\d+:\d+$/)
  }
  expect(formatSockets(active)).toContain('streaming.test.ts:')

  await session.closeAllConnections()
  expect(session.sockets()).toEqual([])
  expect(establishedTo(server.port)).toHaveLength(0)
  // The server saw every connection close.
  await Promise.all(server.connections.map((c) => c.closed))

  const next = await session.stream('/after')
  expect(next.status).toBe(200)
  expect(server.connections).toHaveLength(21)
  await next.dispose()
})

test('dispose() of an unread stream closes its socket; `await using` does it at the end of the block', async () => {
  const res = await session.stream('/one')
  expect(session.stats().active).toBe(1)
  await res.dispose()
  expect(session.stats()).toMatchObject({ active: 0, open: 0 })
  await server.connections[0]!.closed

  {
    await using scoped = await session.stream('/two')
    expect(scoped.status).toBe(200)
    expect(session.stats().active).toBe(1)
  }
  expect(session.stats().open).toBe(0)
  expect(establishedTo(server.port)).toHaveLength(0)
})

test('a stream read to the end gives its connection back to the pool', async () => {
  const finite = await startTestServer((_req, res) => res.end('all of it'))
  try {
    const res = await session.stream(`${finite.url}/x`)
    expect(await res.text()).toBe('all of it')
    await res.dispose()
    expect(session.sockets({ origin: finite.url })).toMatchObject([{ state: 'idle', requests: 1 }])
    await session.get(`${finite.url}/y`)
    expect(finite.connections).toHaveLength(1)
  } finally {
    await session.closeAllConnections()
    await finite.close()
  }
})

test('a small body that arrived whole frees its connection even unread, and dispose() returns at once', async () => {
  const small = await startTestServer((_req, res) => res.end('tiny'))
  const patient = new Session({ baseUrl: small.url, keepAliveTimeout: 120_000 })
  try {
    const res = await patient.stream('/tiny')
    // undici buffered the whole body: the request is over and the socket is idle, not held.
    await expect.poll(() => patient.stats()).toMatchObject({ active: 0, idle: 1 })
    await res.dispose()
    await patient.get('/again')
    expect(small.connections).toHaveLength(1)
  } finally {
    await patient.close()
    await small.close()
  }
})
