import { startTestServer, type TestServer } from '@spinup/test-support'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { InvalidRequestError, NotJsonError, previewBody, Session } from '../src/index.js'

let server: TestServer
let session: Session
const errorPage = `<!DOCTYPE html>\n<html><body><h1>Internal error</h1>${'<p>trace</p>'.repeat(200)}</body></html>`
beforeAll(async () => {
  server = await startTestServer((req, res) => {
    if (req.url === '/one-cookie') res.setHeader('set-cookie', 'sid=abc123; Path=/; HttpOnly')
    if (req.url === '/two-cookies') res.setHeader('set-cookie', ['a=1', 'b=2'])
    if (req.url === '/boom') {
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' })
      return res.end(errorPage)
    }
    res.end(req.url)
  })
  session = new Session({ baseUrl: server.url })
})
afterAll(async () => {
  await session.close()
  await server.close()
})

describe("res.headers['set-cookie'] is always an array", () => {
  test('one cookie: [0] is the whole cookie, not its first character', async () => {
    const res = await session.get('/one-cookie')
    expect(res.headers['set-cookie']).toEqual(['sid=abc123; Path=/; HttpOnly'])
    expect(res.headers['set-cookie'][0]).toBe('sid=abc123; Path=/; HttpOnly')
  })

  test('several cookies, and none', async () => {
    expect((await session.get('/two-cookies')).headers['set-cookie']).toEqual(['a=1', 'b=2'])
    expect((await session.get('/plain')).headers['set-cookie']).toEqual([])
  })

  test('a streamed response too', async () => {
    await using res = await session.stream('/one-cookie')
    expect(res.headers['set-cookie']).toEqual(['sid=abc123; Path=/; HttpOnly'])
  })
})

describe('res.json() on a body that is not JSON', () => {
  test('names the request, the status, the content-type and the start of the body', async () => {
    const res = await session.get('/boom')
    const err = await res.json().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NotJsonError)
    expect(err).toMatchObject({ code: 'SPINUP_NOT_JSON', status: 500 })
    const message = (err as Error).message
    expect(message).toContain(`GET ${server.url}/boom answered 500 Internal Server Error`)
    expect(message).toContain('content-type text/html; charset=utf-8')
    expect(message).toContain('<!DOCTYPE html>\n<html><body><h1>Internal error</h1>')
    expect(message).toMatch(/… \(\d+ more characters, 2465 bytes in all\)$/)
    expect((err as Error).cause).toBeInstanceOf(SyntaxError)
  })

  test('from a stream, with the method it was sent with', async () => {
    const res = await session.stream('/boom', { method: 'POST', body: 'x' })
    await expect(res.json()).rejects.toThrow(`POST ${server.url}/boom answered 500 Internal Server Error`)
  })
})

describe('previewBody', () => {
  test('pretty-prints JSON and cuts long text', () => {
    expect(previewBody(Buffer.from('{"a":[1,2]}'), 'application/json')).toBe(
      '{\n  "a": [\n    1,\n    2\n  ]\n}',
    )
    expect(previewBody(Buffer.from('x'.repeat(50)), 'text/plain', 10)).toBe(
      'xxxxxxxxxx… (40 more characters, 50 bytes in all)',
    )
    expect(previewBody(Buffer.alloc(0), 'text/plain')).toBe('(empty body)')
    expect(previewBody(Buffer.from([0x89, 0x50, 0, 0]), 'image/png')).toBe('(4 bytes of image/png)')
  })
})

describe('rawPath sends the request target byte for byte', () => {
  test('a path-traversal probe reaches the server as written', async () => {
    const res = await session.get('/files/../secret', { rawPath: true })
    expect(await res.text()).toBe('/files/../secret')
    expect(res.url).toBe(`${server.url}/files/../secret`)
    // Without it, the URL is normalised as a browser would.
    expect(await (await session.get('/files/../secret')).text()).toBe('/secret')
  })

  test('encoded dot segments and odd bytes are not touched; query is appended', async () => {
    const res = await session.get('/a/%2e%2e/b;x=1?y=%zz', { rawPath: true, query: { q: 'a b' } })
    expect(await res.text()).toBe('/a/%2e%2e/b;x=1?y=%zz&q=a+b')
  })

  test('an absolute URL keeps its path as written', async () => {
    const res = await session.get(`${server.url}/./x/../y`, { rawPath: true })
    expect(await res.text()).toBe('/./x/../y')
  })

  test('"//host/x" stays a path on the base origin, never a new host', async () => {
    const res = await session.get('//example.com/x', { rawPath: true })
    expect(await res.text()).toBe('//example.com/x')
    expect(res.url).toBe(`${server.url}//example.com/x`)
  })

  test.each([
    ['CR LF', '/a\r\nInjected: yes'],
    ['a space', '/a b'],
    ['a tab', '/a\tb'],
    ['NUL', '/a\0'],
    ['non-ASCII', '/café'],
  ])('%s is refused before any socket opens', async (_name, path) => {
    const fresh = new Session({ baseUrl: server.url })
    try {
      const err = await fresh.get(path, { rawPath: true }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(InvalidRequestError)
      expect((err as Error).message).toMatch(
        /rawPath: the path .* contains .* at index \d+; .*Percent-encode/,
      )
      expect(fresh.stats().opened).toBe(0)
    } finally {
      await fresh.close()
    }
  })

  test('a target that is not a path is refused', async () => {
    await expect(session.get('files', { rawPath: true })).rejects.toThrow(/must start with "\/"/)
    await expect(session.get('/x', { rawPath: 'yes' as never })).rejects.toThrow(
      /rawPath must be true or false/,
    )
  })
})
