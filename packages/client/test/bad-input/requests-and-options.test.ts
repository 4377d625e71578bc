import { startTestServer, type TestServer } from '@spinup/test-support'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { InvalidOptionError, InvalidRequestError, Session } from '../../src/index.js'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer((_req, res) => res.end('ok'))
})
afterAll(async () => {
  await server.close()
})

describe('bad input is rejected with a clear error before any socket opens', () => {
  const cases: [string, (s: Session) => Promise<unknown>, RegExp][] = [
    ['an invalid URL', (s) => s.get('http://exa mple.com:99999/'), /Invalid URL/],
    ['a relative URL without baseUrl', (s) => s.get('/users'), /relative URL needs the Session's baseUrl/],
    ['a protocol other than http/https', (s) => s.get('ftp://127.0.0.1/file'), /Unsupported protocol "ftp:"/],
    ['a bad method name', (s) => s.request('GE T', 'http://127.0.0.1:1/'), /Invalid HTTP method "GE T"/],
    ['an empty method name', (s) => s.request('', 'http://127.0.0.1:1/'), /Invalid HTTP method ""/],
    [
      'CR/LF in a header value',
      (s) => s.get('http://127.0.0.1:1/', { headers: { 'x-a': 'one\r\nInjected: yes' } }),
      /Header "x-a" contains CR, LF or NUL/,
    ],
    [
      'CR/LF in a header name',
      (s) => s.get('http://127.0.0.1:1/', { headers: { 'x-a\r\nInjected': 'yes' } }),
      /Invalid header name/,
    ],
    [
      'a negative timeout',
      (s) => s.get('http://127.0.0.1:1/', { timeout: -1 }),
      /timeout must be a finite number/,
    ],
    [
      'a non-numeric timeout',
      (s) => s.get('http://127.0.0.1:1/', { timeout: '100' as unknown as number }),
      /timeout must be a finite number of milliseconds ≥ 0 \(0 disables it\), got the string "100"/,
    ],
    [
      'body and json together',
      (s) => s.post('http://127.0.0.1:1/', { body: 'a', json: { a: 1 } }),
      /Give one of `json`, `form` or `body`, not `json` and `body`/,
    ],
    [
      'a plain object as body',
      (s) => s.post('http://127.0.0.1:1/', { body: {} as never }),
      /For an object, use `json`/,
    ],
    ['credentials in the URL', (s) => s.get('http://user:pw@127.0.0.1:1/'), /Authorization header/],
  ]

  test.each(cases)('%s', async (_name, send, message) => {
    const session = new Session()
    try {
      const error = await send(session).catch((err: unknown) => err)
      expect(error).toBeInstanceOf(InvalidRequestError)
      expect(error).toMatchObject({ code: 'SPINUP_INVALID_REQUEST' })
      expect((error as Error).message).toMatch(message)
      expect(session.stats().opened).toBe(0)
    } finally {
      await session.close()
    }
  })

  test('the bad request never reaches a real server', async () => {
    const session = new Session({ baseUrl: server.url })
    try {
      await expect(session.get('/x', { headers: { 'x-a': 'b\nc' } })).rejects.toThrow(InvalidRequestError)
      expect(server.connections).toHaveLength(0)
      expect((await session.get('/x')).status).toBe(200)
      expect(server.connections).toHaveLength(1)
    } finally {
      await session.close()
    }
  })

  test('a request on a closed session', async () => {
    const session = new Session({ baseUrl: server.url })
    await session.close()
    await expect(session.get('/users')).rejects.toMatchObject({
      code: 'SPINUP_SESSION_CLOSED',
      message: expect.stringMatching(/session was closed with session\.close\(\)/),
    })
  })
})

describe('bad Session options throw from the constructor', () => {
  test.each([
    [{ baseUrl: 'not a url' }, /baseUrl must be an absolute http\(s\) URL/],
    [{ baseUrl: 'ws://127.0.0.1' }, /baseUrl: Unsupported protocol "ws:"/],
    [{ timeout: Number.NaN }, /Session option timeout: timeout must be a finite number.*got the number NaN/],
    [{ socketsPerOrigin: 0 }, /socketsPerOrigin must be a whole number ≥ 1, got 0/],
    [{ headers: { 'bad name': 'x' } }, /Session option headers: Invalid header name "bad name"/],
  ])('%o', (options, message) => {
    expect(() => new Session(options)).toThrow(InvalidOptionError)
    expect(() => new Session(options)).toThrow(message)
  })
})
