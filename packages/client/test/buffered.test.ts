import { sendBody, startTestServer, type TestServer } from '@spinup/test-support'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Session } from '../src/index.js'
import { establishedTo } from './support/os.js'

describe('buffered requests never pin a socket', () => {
  let server: TestServer
  let session: Session

  beforeEach(async () => {
    server = await startTestServer((req, res) => {
      req.resume()
      req.on('end', () => sendBody(res, req.url === '/big' ? 1024 * 1024 : 100))
    })
    session = new Session({ baseUrl: server.url })
  })
  afterEach(async () => {
    await session.close()
    await server.close()
  })

  test('twenty head/get/post calls whose body nobody reads leave no active socket', async () => {
    const calls = [
      ...Array.from({ length: 7 }, () => session.head('/small')),
      ...Array.from({ length: 7 }, () => session.get('/big')),
      ...Array.from({ length: 6 }, () => session.post('/small', { json: { a: 1 } })),
    ]
    const responses = await Promise.all(calls)
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))

    expect(session.stats()).toMatchObject({ requests: 20, active: 0 })
    expect(session.sockets({ state: 'active' })).toEqual([])
    // The OS agrees: every connection to the server is still there (pooled, idle) and no more.
    const open = session.stats().open
    expect(open).toBeGreaterThan(0)
    expect(establishedTo(server.port)).toHaveLength(open)
    // Every response was complete on the wire, 1 MiB bodies included.
    expect(responses.filter((r) => r.body.length === 1024 * 1024)).toHaveLength(7)
  })

  test('the connections pooled by buffered requests are free for the next request', async () => {
    await Promise.all(Array.from({ length: 20 }, () => session.get('/big')))
    const opened = session.stats().opened
    await Promise.all(Array.from({ length: 20 }, () => session.get('/big')))
    // No request had to open a connection: all twenty came back to the pool.
    expect(session.stats().opened).toBe(opened)
    expect(server.connections).toHaveLength(opened)
  })

  test('json(), text() and headers of a buffered response', async () => {
    const echo = await startTestServer((req, res) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk) => {
        body += chunk
      })
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        res.setHeader('x-seen-header', String(req.headers['x-test'] ?? ''))
        res.end(JSON.stringify({ method: req.method, url: req.url, body }))
      })
    })
    try {
      const res = await session.put(`${echo.url}/items/7`, {
        query: { tag: ['a', 'b'], n: 1 },
        headers: { 'X-Test': 'yes' },
        json: { name: 'seven' },
      })
      expect(res.ok).toBe(true)
      expect(res.header('X-Seen-Header')).toBe('yes')
      expect(await res.json()).toEqual({
        method: 'PUT',
        url: '/items/7?tag=a&tag=b&n=1',
        body: '{"name":"seven"}',
      })
    } finally {
      await session.closeAllConnections()
      await echo.close()
    }
  })
})
