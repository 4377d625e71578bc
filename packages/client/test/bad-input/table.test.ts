import { once } from 'node:events'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Session, type SessionOptions } from '../../src/index.js'

/**
 * Bad input to the client, one named case per mistake: each fails with spinup's code, a message that
 * names the bad value and says what to give instead, and no connection is opened for it (the server
 * below accepted none, the session opened none).
 */

let accepted = 0
let url = ''
const server = net.createServer((socket) => {
  accepted++
  socket.destroy()
})
beforeAll(async () => {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

interface Case {
  readonly run: (session: Session, url: string) => unknown
  readonly code: string
  /** The bad value as the message names it. */
  readonly names: RegExp
  /** The fix the message suggests. */
  readonly fix: RegExp
}

const option = (options: unknown, names: RegExp, fix: RegExp, code = 'SPINUP_INVALID_OPTION'): Case => ({
  run: () => new Session(options as SessionOptions),
  code,
  names,
  fix,
})
const request = (init: unknown, names: RegExp, fix: RegExp, code = 'SPINUP_INVALID_REQUEST'): Case => ({
  run: (session, base) => session.get(`${base}/x`, init as never),
  code,
  names,
  fix,
})
const post = (init: unknown, names: RegExp, fix: RegExp): Case => ({
  run: (session, base) => session.post(`${base}/x`, init as never),
  code: 'SPINUP_INVALID_REQUEST',
  names,
  fix,
})

const circular: Record<string, unknown> = {}
circular.self = circular

const cases: Record<string, Case> = {
  // Session options.
  'options that are not an object': option(42, /options must be an object/, /new Session\(options\)/),
  'an unknown option': option(
    { baseURL: 'http://x' },
    /"baseURL"/,
    /did you mean baseUrl/,
    'SPINUP_UNKNOWN_OPTION',
  ),
  'baseUrl that is no URL': option({ baseUrl: 'not a url' }, /"not a url"/, /absolute http\(s\) URL such as/),
  'baseUrl with a port out of range': option(
    { baseUrl: 'http://127.0.0.1:70000' },
    /70000/,
    /a port is 1 to 65535/,
  ),
  'baseUrl of another protocol': option({ baseUrl: 'ftp://127.0.0.1/' }, /ftp:/, /http: and https: only/),
  'baseUrl that is a number': option({ baseUrl: 3000 }, /number 3000/, /absolute http\(s\) URL/),
  'timeout: Infinity': option(
    { timeout: Number.POSITIVE_INFINITY },
    /number Infinity/,
    /finite number of milliseconds/,
  ),
  'timeout: -1': option({ timeout: -1 }, /number -1/, /≥ 0 \(0 disables it\)/),
  'timeout: NaN': option({ timeout: Number.NaN }, /NaN/, /finite number of milliseconds/),
  "timeout: '100'": option({ timeout: '100' }, /string "100"/, /finite number of milliseconds/),
  'keepAliveTimeout: -5': option({ keepAliveTimeout: -5 }, /keepAliveTimeout.*-5/, /≥ 0/),
  'connectTimeout: Infinity': option(
    { connectTimeout: Number.POSITIVE_INFINITY },
    /Infinity/,
    /finite number/,
  ),
  'socketsPerOrigin: 0': option({ socketsPerOrigin: 0 }, /got 0/, /whole number ≥ 1/),
  'socketsPerOrigin: 1.5': option({ socketsPerOrigin: 1.5 }, /got 1\.5/, /whole number ≥ 1/),
  "retryStale: 'no'": option({ retryStale: 'no' }, /string "no"/, /true or false/),
  'retryStale: 0': option({ retryStale: 0 }, /number 0/, /true or false/),
  'ca: 123': option({ ca: 123 }, /number 123/, /PEM text/),
  "ca: 'not a certificate'": option(
    { ca: 'not a certificate' },
    /"not a certificate"/,
    /readFileSync\('ca\.pem'/,
  ),
  'ca: a list with one bad entry': option({ ca: ['nope'] }, /ca\[0\].*"nope"/, /PEM certificate/),
  'headers with a bad name': option(
    { headers: { 'bad name': 'x' } },
    /"bad name"/,
    /header names are tokens/,
  ),
  'headers with a line break': option(
    { headers: { a: 'x\r\ny: z' } },
    /CR, LF or NUL/,
    /Remove the line breaks/,
  ),
  "headers: 'a: b'": option(
    { headers: 'a: b' },
    /string "a: b"/,
    /object or an iterable of \[name, value\] pairs/,
  ),

  // Request options.
  'request options that are not an object': request(5, /got 5/, /must be an object/),
  'an unknown request option': request(
    { header: {} },
    /"header"/,
    /did you mean headers/,
    'SPINUP_UNKNOWN_OPTION',
  ),
  'a request timeout: Infinity': request(
    { timeout: Number.POSITIVE_INFINITY },
    /number Infinity/,
    /finite number of milliseconds/,
  ),
  'a request timeout: -1': request({ timeout: -1 }, /-1/, /≥ 0/),
  'a signal that is no AbortSignal': request(
    { signal: {} },
    /signal must be an AbortSignal/,
    /AbortSignal\.timeout\(1000\)/,
  ),
  'a query value that is an object': request(
    { query: { filter: { a: 1 } } },
    /query\.filter/,
    /\[object Object\].*JSON\.stringify/,
  ),
  'a query value that is a nested array': request(
    { query: { ids: [[1]] } },
    /query\.ids/,
    /string, number or boolean/,
  ),
  "query: 'a=1'": request({ query: 'a=1' }, /string "a=1"/, /object of parameters/),
  'a header value that is an object': request(
    { headers: { a: { b: 1 } } },
    /Header "a"/,
    /string or a number/,
  ),
  'a header value with a NUL': request({ headers: { a: 'x\0y' } }, /CR, LF or NUL/, /Remove the line breaks/),
  'a transfer-encoding header': request(
    { headers: { 'transfer-encoding': 'chunked' } },
    /"transfer-encoding: chunked"/,
    /undici frames the body itself/,
  ),
  'an upgrade header': request(
    { headers: { upgrade: 'websocket' } },
    /"upgrade: websocket"/,
    /a client made for them/,
  ),
  'a connection: upgrade header': request(
    { headers: { connection: 'upgrade' } },
    /"connection: upgrade"/,
    /manages keep-alive/,
  ),
  'content-length on a request without a body': request(
    { headers: { 'content-length': '5' } },
    /content-length is 5/,
    /remove the header/,
  ),
  'content-length that does not match the body': post(
    { body: 'hello', headers: { 'content-length': '3' } },
    /content-length is 3 but the body is 5 bytes/,
    /let the Session set it/,
  ),
  'json with a BigInt': post({ json: { id: 1n } }, /BigInt/, /Convert BigInt values to strings/),
  'json with a circular reference': post({ json: circular }, /circular/, /remove circular references/),
  'json and body together': post({ json: {}, body: 'x' }, /`json` and `body`/, /Give one of/),
  'a body that is a plain object': post({ body: { a: 1 } }, /an object/, /use `json`/),

  // Methods and URLs.
  'a method with a space': {
    run: (session, base) => session.request('GE T', `${base}/x`),
    code: 'SPINUP_INVALID_REQUEST',
    names: /"GE T"/,
    fix: /a method is a token such as GET or POST/,
  },
  CONNECT: {
    run: (session, base) => session.request('CONNECT', `${base}/x`),
    code: 'SPINUP_INVALID_REQUEST',
    names: /^CONNECT http/,
    fix: /ProxyAgent/,
  },
  'a relative URL without baseUrl': {
    run: (session) => session.get('/users'),
    code: 'SPINUP_INVALID_REQUEST',
    names: /"\/users"/,
    fix: /needs the Session's baseUrl option/,
  },
  'a URL with a port out of range': {
    run: (session) => session.get('http://127.0.0.1:70000/x'),
    code: 'SPINUP_INVALID_REQUEST',
    names: /70000/,
    fix: /a port is 1 to 65535/,
  },
  'a URL of another protocol': {
    run: (session) => session.get('ftp://127.0.0.1/x'),
    code: 'SPINUP_INVALID_REQUEST',
    names: /"ftp:"/,
    fix: /http: and https: only/,
  },
  'a URL that is a number': {
    run: (session) => session.get(3000 as never),
    code: 'SPINUP_INVALID_REQUEST',
    names: /number 3000/,
    fix: /must be a string or a URL/,
  },
  'a URL with credentials': {
    run: (session) => session.get('http://user:pw@127.0.0.1:1/x'),
    code: 'SPINUP_INVALID_REQUEST',
    names: /127\.0\.0\.1:1 carries credentials/,
    fix: /Authorization header/,
  },

  // sockets() filters.
  "sockets({ state: 'Active' })": {
    run: (session) => session.sockets({ state: 'Active' as never }),
    code: 'SPINUP_INVALID_OPTION',
    names: /string "Active"/,
    fix: /'idle' or 'active'/,
  },
  "sockets({ state: 'open' })": {
    run: (session) => session.sockets({ state: 'open' as never }),
    code: 'SPINUP_INVALID_OPTION',
    names: /string "open"/,
    fix: /'idle' or 'active'/,
  },
  "sockets({ origin: 'garbage' })": {
    run: (session) => session.sockets({ origin: 'garbage' }),
    code: 'SPINUP_INVALID_OPTION',
    names: /string "garbage"/,
    fix: /absolute http\(s\) URL such as 'http:\/\/127\.0\.0\.1:3000'/,
  },
  "sockets('idle')": {
    run: (session) => session.sockets('idle' as never),
    code: 'SPINUP_INVALID_OPTION',
    names: /string "idle"/,
    fix: /filter must be an object/,
  },
}

describe('bad input to the client fails at once with a coded error naming the value and the fix', () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, async () => {
      const before = accepted
      const session = new Session()
      try {
        let error: unknown
        try {
          await c.run(session, url)
        } catch (e) {
          error = e
        }
        expect(error, 'expected a rejection').toBeInstanceOf(Error)
        expect((error as { code?: string }).code, String(error)).toBe(c.code)
        expect((error as Error).message).toMatch(c.names)
        expect((error as Error).message).toMatch(c.fix)
        expect(session.stats().opened).toBe(0)
        expect(accepted).toBe(before)
      } finally {
        await session.close()
      }
    })
  }
})
