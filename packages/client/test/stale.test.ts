import { Readable } from 'node:stream'
import { startTestServer, type TestServer } from '@spinup/test-support'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Session, SpinupError, StaleConnectionError } from '../src/index.js'

/**
 * A server that answers the first request on each connection and, on the second, drops the connection
 * without a byte of response: exactly what a client meets when it reuses a pooled socket that the
 * server closed (or that belonged to a server that was since restarted).
 */
let server: TestServer
let session: Session

beforeEach(async () => {
  server = await startTestServer((req, res, connection) => {
    if (connection.requests >= 2) {
      req.socket.destroy()
      return
    }
    req.resume()
    req.on('end', () => res.end(`answered ${req.method} ${req.url}`))
  })
  session = new Session({ baseUrl: server.url })
})
afterEach(async () => {
  await session.close()
  await server.close()
})

describe('an idempotent request that meets a stale pooled socket is retried once on a fresh connection', () => {
  const replayable: [string, (s: Session) => Promise<{ status: number; text(): Promise<string> }>][] = [
    ['GET', (s) => s.get('/again')],
    ['HEAD', (s) => s.head('/again')],
    ['OPTIONS', (s) => s.options('/again')],
    ['DELETE', (s) => s.delete('/again')],
    ['PUT with a body held in memory', (s) => s.put('/again', { body: 'payload' })],
    [
      'POST with an Idempotency-Key',
      (s) => s.post('/again', { json: { a: 1 }, headers: { 'Idempotency-Key': 'k1' } }),
    ],
  ]
  test.each(replayable)('%s', async (_name, send) => {
    await session.get('/first') // pools a connection the server will drop on its next request
    const res = await send(session)
    expect(res.status).toBe(200)
    expect(session.stats()).toMatchObject({ retried: 1, requests: 2 })
    // What the server saw: the first connection got two requests (the second dropped), a fresh one the replay.
    expect(server.connections.map((c) => c.requests)).toEqual([2, 1])
  })
})

describe('a request that cannot be replayed rejects with a stale-connection error and is never sent twice', () => {
  test('POST without an Idempotency-Key', async () => {
    await session.get('/first')
    const error = await session.post('/orders', { json: { item: 1 } }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(SpinupError)
    expect(error).toMatchObject({ code: 'SPINUP_STALE_CONNECTION', name: 'StaleConnectionError' })
    expect((error as Error).message).toMatch(/server closed a pooled keep-alive connection/)
    expect((error as Error).message).toMatch(/closeAllConnections\(\)/)
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(session.stats().retried).toBe(0)
  })

  test('PUT with a streamed body', async () => {
    await session.get('/first')
    const body = Readable.from([Buffer.from('chunk')])
    await expect(session.put('/upload', { body })).rejects.toMatchObject({ code: 'SPINUP_STALE_CONNECTION' })
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  test('a GET with retryStale: false', async () => {
    const strict = new Session({ baseUrl: server.url, retryStale: false })
    try {
      await strict.get('/first')
      await expect(strict.get('/again')).rejects.toMatchObject({ code: 'SPINUP_STALE_CONNECTION' })
    } finally {
      await strict.close()
    }
  })
})

test('a failure on a fresh connection is not a stale connection and is not retried', async () => {
  const refusing = await startTestServer((req) => req.socket.destroy())
  try {
    const error = await session.get(`${refusing.url}/x`).catch((err: unknown) => err)
    expect(error).not.toBeInstanceOf(StaleConnectionError)
    expect(error).toMatchObject({
      name: 'RequestFailedError',
      code: 'SPINUP_CONNECTION_RESET',
      cause: { code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) },
    })
    expect((error as Error).message).toContain(
      `GET ${refusing.url}/x failed: the server closed the connection`,
    )
    expect(refusing.requests).toHaveLength(1)
    expect(session.stats().retried).toBe(0)
  } finally {
    await refusing.close()
  }
})

test('undici.request through session.dispatcher gets the same retry', async () => {
  const { request } = await import('undici')
  await session.get('/first')
  const res = await request(`${server.url}/via-undici`, { dispatcher: session.dispatcher })
  expect(res.statusCode).toBe(200)
  expect(await res.body.text()).toBe('answered GET /via-undici')
  expect(session.stats().retried).toBe(1)
})
