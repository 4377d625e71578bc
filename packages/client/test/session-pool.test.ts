import type { ServerResponse } from 'node:http'
import { startTestServer, type TestServer } from '@spinup/test-support'
import { type Agent, request } from 'undici'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { Session } from '../src/index.js'

// The per-origin pool is spinup's own (session-pool.ts): these pin down what it took over from undici's Pool.

/** session.dispatcher is typed as a Dispatcher; it is an undici Agent, whose stats are per origin. */
const statsOf = (session: Session) => (session.dispatcher as Agent).stats

let server: TestServer
/** Responses held open by the server until the test releases them, in arrival order. */
let held: ServerResponse[]

beforeEach(async () => {
  held = []
  server = await startTestServer((req, res) => {
    if (req.url?.startsWith('/held')) held.push(res)
    else res.end(req.url)
  })
})

afterEach(async () => {
  for (const res of held) if (!res.writableEnded) res.end()
  await server.close()
})

test('socketsPerOrigin caps the connections; requests beyond it are queued and sent first come, first served', async () => {
  const session = new Session({ baseUrl: server.url, socketsPerOrigin: 2 })
  try {
    const first = [session.get('/held/1'), session.get('/held/2')]
    const queued = [session.get('/q/3'), session.get('/q/4'), session.get('/q/5')]
    await server.receivedRequests(2)
    // Both connections carry a request; the other three wait in the pool, not on the wire.
    expect(server.requests.map((r) => r.url)).toEqual(['/held/1', '/held/2'])
    expect(statsOf(session)[server.url]).toMatchObject({ connected: 2, queued: 3, free: 0 })
    held[0]!.end('one')
    held[1]!.end('two')
    const texts = await Promise.all([...first, ...queued].map(async (res) => (await res).text()))
    expect(texts).toEqual(['one', 'two', '/q/3', '/q/4', '/q/5'])
    // The queue was served in order, on the two connections the server saw and no others.
    expect(server.requests.map((r) => r.url)).toEqual(['/held/1', '/held/2', '/q/3', '/q/4', '/q/5'])
    expect(server.connections).toHaveLength(2)
    expect(statsOf(session)[server.url]).toMatchObject({ connected: 2, queued: 0, running: 0 })
  } finally {
    await session.close()
  }
})

test("session.dispatcher.stats has undici's per-origin figures, for code that reads an Agent's stats", async () => {
  const session = new Session({ baseUrl: server.url })
  try {
    await (await request(`${server.url}/a`, { dispatcher: session.dispatcher })).body.text()
    expect(statsOf(session)).toEqual({
      [server.url]: { connected: 1, free: 1, pending: 0, queued: 0, running: 0, size: 0 },
    })
  } finally {
    await session.close()
  }
})

test('a request queued behind a full pool goes out on a fresh connection after closeAllConnections(); close() fails what is still queued', async () => {
  const session = new Session({ baseUrl: server.url, socketsPerOrigin: 1 })
  try {
    const running = session.get('/held/1')
    const queued = session.get('/q/2')
    await server.receivedRequests(1)
    await session.closeAllConnections()
    await expect(running).rejects.toMatchObject({ code: 'SPINUP_CONNECTION_CLOSED' })
    expect(await (await queued).text()).toBe('/q/2')
    expect(server.requests).toMatchObject([
      { url: '/held/1', connection: 0 },
      { url: '/q/2', connection: 1 },
    ])

    const runningToo = session.get('/held/3')
    const queuedToo = session.get('/q/4')
    await server.receivedRequests(3)
    const outcomes = Promise.allSettled([runningToo, queuedToo])
    await session.close()
    expect(await outcomes).toMatchObject([
      { status: 'rejected', reason: { code: 'SPINUP_CONNECTION_CLOSED' } },
      { status: 'rejected', reason: { code: 'SPINUP_CONNECTION_CLOSED' } },
    ])
    expect(server.requests.map((r) => r.url)).toEqual(['/held/1', '/q/2', '/held/3'])
  } finally {
    await session.close()
  }
})
