import { startTestServer, type TestServer } from '@spinup/test-support'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { Session } from '../src/index.js'

let server: TestServer
let session: Session

beforeEach(async () => {
  server = await startTestServer((_req, res) => res.end('ok'))
  session = new Session({ baseUrl: server.url })
})
afterEach(async () => {
  await session.close()
  await server.close()
})

test('100 sequential get() calls travel over exactly one TCP connection', async () => {
  for (let i = 0; i < 100; i++) {
    const res = await session.get(`/n/${i}`)
    expect(res.status).toBe(200)
  }
  // Counted by the server, not by the session.
  expect(server.connections).toHaveLength(1)
  expect(server.connections[0]!.requests).toBe(100)
  expect(session.stats()).toMatchObject({ opened: 1, reused: 99, requests: 100, open: 1, idle: 1 })
  expect(session.sockets()).toMatchObject([{ requests: 100, state: 'idle', request: undefined }])
})

test('sequential requests of every method reuse the connection', async () => {
  await session.get('/a')
  await session.post('/a', { body: 'x' })
  await session.put('/a', { body: 'x' })
  await session.patch('/a', { body: 'x' })
  await session.delete('/a')
  await session.options('/a')
  await session.request('PROPFIND', '/a')
  expect(server.connections).toHaveLength(1)
  expect(server.requests.map((r) => r.method)).toEqual([
    'GET',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'OPTIONS',
    'PROPFIND',
  ])
})

test('a HEAD request is answered, then undici closes its connection on purpose', async () => {
  // undici never reuses a connection after HEAD (a response to HEAD can carry a content-length with no
  // body, which a lenient server may get wrong), so the next request opens a new one.
  await session.get('/a')
  const res = await session.head('/a')
  expect(res.status).toBe(200)
  expect(res.body).toHaveLength(0)
  await server.connections[0]!.closed
  expect(session.stats()).toMatchObject({ open: 0, closed: 1 })
  await session.get('/b')
  expect(server.connections).toHaveLength(2)
})

test('ten concurrent requests open at most ten connections and reuse them afterwards', async () => {
  await Promise.all(Array.from({ length: 10 }, (_, i) => session.get(`/c/${i}`)))
  const opened = server.connections.length
  expect(opened).toBeLessThanOrEqual(10)
  for (let i = 0; i < 20; i++) await session.get(`/s/${i}`)
  expect(server.connections).toHaveLength(opened)
})
