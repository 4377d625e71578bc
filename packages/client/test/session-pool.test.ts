import type { ServerResponse } from 'node:http'
import { startTestServer, type TestServer } from '@spinup/test-support'
import { type Agent, request } from 'undici'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { Session } from '../src/index.js'

// The per-origin pool is spinup's own (session-pool.ts): these pin down what it took over from undici's Pool.

/** Settles with what `promise` settled with, or 'pending' after `ms`: a hang becomes a failed assertion. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise.then(
      (ok) => ({ ok }),
      (err: unknown) => ({ err }),
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms).unref()),
  ])

/** A header value undici refuses before it writes anything. */
const badHeader = { headers: { 'x-bad': 'a\nb' } }

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

test('a request undici refuses at once (a bad header through session.dispatcher) does not leave its connection busy for good', async () => {
  const session = new Session({ baseUrl: server.url, socketsPerOrigin: 1 })
  try {
    await expect(
      request(`${server.url}/bad`, { dispatcher: session.dispatcher, ...badHeader }),
    ).rejects.toThrow(/invalid/)
    expect(
      await within(
        session.get('/ok').then((res) => res.text()),
        2000,
      ),
    ).toEqual({ ok: '/ok' })

    // The same behind a running request: the refused one waits in the queue, and the one after it is served.
    const first = session.get('/held/1')
    await server.receivedRequests(2)
    const refused = request(`${server.url}/bad`, { dispatcher: session.dispatcher, ...badHeader })
    const behind = session.get('/q/2')
    held[0]!.end('one')
    expect(await (await first).text()).toBe('one')
    await expect(refused).rejects.toThrow(/invalid/)
    expect(
      await within(
        behind.then((res) => res.text()),
        2000,
      ),
    ).toEqual({ ok: '/q/2' })
  } finally {
    await session.close()
  }
})
