import { once } from 'node:events'
import { createServer as createHttpsServer } from 'node:https'
import net, { type AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Session, type SessionOptions } from '../../src/index.js'
import { establishedTo } from '../support/os.js'
import {
  end,
  type Fault,
  inOrder,
  type RawServer,
  reset,
  stall,
  startRawServer,
  write,
} from './raw-server.js'

/**
 * Servers that misbehave byte by byte. Each case asserts what a user relies on: spinup's own code, the
 * request named in the message, no socket left active, the kernel agreeing with `sockets()`, how many
 * connections the server had to accept, and that the same session works right after.
 */

const ok = 'HTTP/1.1 200 OK\r\n'
const headers = (...lines: string[]) => `${ok}${lines.map((l) => `${l}\r\n`).join('')}\r\n`

interface Case {
  readonly fault: Fault
  /** The code the request rejects with, or 'ok' when spinup must read through the oddity. */
  readonly code: string
  /** Connections the server accepted for the request (a replay needs a second). */
  readonly accepted: number
  /** An `/ok` first, so the faulted request goes out on a pooled socket. */
  readonly pooled?: boolean
  readonly method?: 'GET' | 'POST'
  readonly body?: () => string | Readable
  readonly options?: SessionOptions
  /**
   * Requests other than /ok the server received (a replay is a second); default 1. null: not checked,
   * where whether the head reached the server before the client gave up is a race the case is not about.
   */
  readonly received?: number | null
}

const cases: Record<string, Case> = {
  // The connection ends before or during the response.
  'the server resets the connection before answering': {
    fault: reset,
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'the server closes the connection before answering': {
    fault: end,
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'a POST whose connection is reset before the answer': {
    fault: reset,
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
    method: 'POST',
    body: () => 'payload',
  },
  'the server closes after the status line': {
    fault: inOrder(write('HTTP/1.1 200 OK\r\n'), end),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'the server closes halfway through the headers': {
    fault: inOrder(write(`${ok}Content-Type: text/pl`), end),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'the server closes after the headers, before the body': {
    fault: inOrder(write(headers('Content-Length: 10')), end),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'the server closes after half the body': {
    fault: inOrder(write(headers('Content-Length: 10'), 'hello'), end),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'the server resets after half the body': {
    fault: inOrder(write(headers('Content-Length: 10'), 'hello'), reset),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'the server closes in the middle of a chunk': {
    fault: inOrder(write(headers('Transfer-Encoding: chunked'), 'a\r\nhel'), end),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'the server closes before the last chunk': {
    fault: inOrder(write(headers('Transfer-Encoding: chunked'), '5\r\nhello\r\n'), end),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
  },
  'a pooled connection reset after half the body is not replayed': {
    fault: inOrder(write(headers('Content-Length: 10'), 'hello'), reset),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
    pooled: true,
  },
  'a pooled connection closed after the status line is not replayed': {
    fault: inOrder(write('HTTP/1.1 200 OK\r\n'), end),
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
    pooled: true,
  },

  // Bytes that are not HTTP/1.1.
  'garbage instead of a status line': {
    fault: write('hello there\r\n\r\n'),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
  },
  'an SSH banner': { fault: write('SSH-2.0-OpenSSH_9.6\r\n'), code: 'SPINUP_BAD_RESPONSE', accepted: 1 },
  'a header line without a colon': {
    fault: write(`${ok}Content-Length 2\r\n\r\nok`),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
  },
  'Content-Length: abc': {
    fault: write(headers('Content-Length: abc'), 'ok'),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
  },
  // undici 7.30.2's parser lets both of these through and then finds the body's length wrong.
  'two different Content-Length headers': {
    fault: write(headers('Content-Length: 2', 'Content-Length: 3'), 'ok'),
    code: 'SPINUP_CONTENT_LENGTH_MISMATCH',
    accepted: 1,
  },
  'Content-Length and Transfer-Encoding together': {
    fault: write(headers('Content-Length: 2', 'Transfer-Encoding: chunked'), '2\r\nok\r\n0\r\n\r\n'),
    code: 'SPINUP_CONTENT_LENGTH_MISMATCH',
    accepted: 1,
  },
  'a chunk size that is not hexadecimal': {
    fault: write(headers('Transfer-Encoding: chunked'), 'zz\r\nhello\r\n0\r\n\r\n'),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
  },
  'a chunk without its CRLF': {
    fault: write(headers('Transfer-Encoding: chunked'), '2\r\nokXX0\r\n\r\n'),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
  },
  'a two-digit status code': {
    fault: write('HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n'),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
  },
  'a status line without a version': {
    fault: write('200 OK\r\nContent-Length: 0\r\n\r\n'),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
  },
  'a NUL byte in a header value': {
    fault: write(`${ok}X-Bad: a\0b\r\nContent-Length: 0\r\n\r\n`),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
  },
  'garbage on a pooled connection is not replayed': {
    fault: write('hello there\r\n\r\n'),
    code: 'SPINUP_BAD_RESPONSE',
    accepted: 1,
    pooled: true,
  },

  // Too large, too short.
  'response headers over 16 KiB': {
    fault: write(headers(`X-Big: ${'a'.repeat(20_000)}`, 'Content-Length: 0')),
    code: 'SPINUP_HEADERS_TOO_LARGE',
    accepted: 1,
  },
  'a body longer than its Content-Length is cut at the length': {
    fault: write(headers('Content-Length: 2'), 'okEXTRA'),
    code: 'ok',
    accepted: 1,
  },

  // Interim 1xx responses.
  'a 103 Early Hints before the answer is skipped': {
    fault: write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n', headers('Content-Length: 2'), 'ok'),
    code: 'ok',
    accepted: 1,
  },
  'a 102 Processing before the answer is skipped': {
    fault: write('HTTP/1.1 102 Processing\r\n\r\n', headers('Content-Length: 2'), 'ok'),
    code: 'ok',
    accepted: 1,
  },
  'an unasked-for 100 Continue': {
    fault: write('HTTP/1.1 100 Continue\r\n\r\n', headers('Content-Length: 2'), 'ok'),
    code: 'SPINUP_UNEXPECTED_INTERIM',
    accepted: 1,
  },
  'an unasked-for 100 Continue on a pooled socket: a GET is not sent twice': {
    fault: write('HTTP/1.1 100 Continue\r\n\r\n', headers('Content-Length: 2'), 'ok'),
    code: 'SPINUP_UNEXPECTED_INTERIM',
    accepted: 1,
    pooled: true,
  },
  'an unasked-for 100 Continue on a pooled socket: a POST is not called stale': {
    fault: write('HTTP/1.1 100 Continue\r\n\r\n', headers('Content-Length: 2'), 'ok'),
    code: 'SPINUP_UNEXPECTED_INTERIM',
    accepted: 1,
    pooled: true,
    method: 'POST',
    body: () => 'payload',
  },
  'a 101 Switching Protocols without an upgrade request': {
    fault: write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
    code: 'SPINUP_UNEXPECTED_INTERIM',
    accepted: 1,
  },

  // Stale pooled sockets: nothing arrived.
  'a pooled GET whose socket the server dropped is replayed once on a fresh connection': {
    fault: reset,
    code: 'ok',
    accepted: 2,
    pooled: true,
    received: 2,
  },
  'a pooled GET whose socket the server closed is replayed once': {
    fault: end,
    code: 'ok',
    accepted: 2,
    pooled: true,
    received: 2,
  },
  'a pooled POST whose socket the server dropped is stale, not replayed': {
    fault: reset,
    code: 'SPINUP_STALE_CONNECTION',
    accepted: 1,
    pooled: true,
    method: 'POST',
    body: () => 'payload',
  },
  'a pooled GET with retryStale: false is stale, not replayed': {
    fault: reset,
    code: 'SPINUP_STALE_CONNECTION',
    accepted: 1,
    pooled: true,
    options: { retryStale: false },
  },
  'a pooled POST with a streamed body is stale, not replayed': {
    fault: reset,
    code: 'SPINUP_STALE_CONNECTION',
    accepted: 1,
    pooled: true,
    method: 'POST',
    body: () => Readable.from(['a', 'b']),
  },

  // Stalls: only the timeout ends them.
  'no byte at all': { fault: stall, code: 'SPINUP_TIMEOUT', accepted: 1, options: { timeout: 150 } },
  'the status line, then nothing': {
    fault: write('HTTP/1.1 200 OK\r\n'),
    code: 'SPINUP_TIMEOUT',
    accepted: 1,
    options: { timeout: 150 },
  },
  'the headers, then nothing': {
    fault: write(headers('Content-Length: 10')),
    code: 'SPINUP_TIMEOUT',
    accepted: 1,
    options: { timeout: 150 },
  },
  'half the body, then nothing': {
    fault: write(headers('Content-Length: 10'), 'hello'),
    code: 'SPINUP_TIMEOUT',
    accepted: 1,
    options: { timeout: 150 },
  },
  'a chunk, then nothing': {
    fault: write(headers('Transfer-Encoding: chunked'), '5\r\nhello\r\n'),
    code: 'SPINUP_TIMEOUT',
    accepted: 1,
    options: { timeout: 150 },
  },
  'a stall on a pooled socket': {
    fault: stall,
    code: 'SPINUP_TIMEOUT',
    accepted: 1,
    pooled: true,
    options: { timeout: 150 },
  },

  // The request side.
  'a request body stream that fails halfway': {
    fault: stall,
    code: 'SPINUP_REQUEST_BODY_FAILED',
    accepted: 1,
    received: null,
    method: 'POST',
    body: () =>
      new Readable({
        read() {
          this.push('first half')
          setImmediate(() => this.destroy(new Error('disk read failed')))
        },
      }),
  },
  'the server resets while a streamed body is sent': {
    fault: reset,
    code: 'SPINUP_CONNECTION_RESET',
    accepted: 1,
    method: 'POST',
    body: () => Readable.from(['a', 'b', 'c']),
  },
}

let healthy: RawServer
beforeAll(async () => {
  healthy = await startRawServer(stall)
})
afterAll(() => healthy.close())

/** The checks every case ends with: nothing active, the kernel agrees, and the session still works. */
async function expectCleanAndUsable(session: Session, server: { port: number; url: string }): Promise<void> {
  expect(session.sockets({ state: 'active' })).toEqual([])
  expect(establishedTo(server.port)).toHaveLength(session.sockets({ origin: server.url }).length)
  expect((await session.get(`${healthy.url}/ok`)).status).toBe(200)
}

describe('a misbehaving server gets a coded error that names the request, and leaves nothing behind', () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, async () => {
      const server = await startRawServer(c.fault)
      const session = new Session({ ...c.options, socketsPerOrigin: 1 })
      try {
        if (c.pooled) expect((await session.get(`${server.url}/ok`)).status).toBe(200)
        const method = c.method ?? 'GET'
        const url = `${server.url}/fault`
        const sent = session.request(method, url, c.body ? { body: c.body() } : {})
        if (c.code === 'ok') {
          expect((await sent).status).toBe(200)
        } else {
          const error = (await sent.catch((e: unknown) => e)) as Error & { code?: string }
          expect(error.code, String(error)).toBe(c.code)
          expect(error.message).toContain(`${method} ${url}`)
        }
        // The server may see a connection a moment after the client gave up on it: wait for that event.
        await expect.poll(() => server.accepted, { timeout: 2_000 }).toBe(c.accepted)
        if (c.received !== null)
          await expect.poll(() => server.requests, { timeout: 2_000 }).toBe(c.received ?? 1)
        await expectCleanAndUsable(session, server)
        expect((await session.get(`${server.url}/ok`)).status).toBe(200)
      } finally {
        await session.close()
        await server.close()
      }
    })
  }
})

describe('connections that fail before HTTP', () => {
  test('nothing listens on the port: SPINUP_CONNECTION_REFUSED', async () => {
    const server = await startRawServer(stall)
    const { port, url } = server
    await server.close()
    const session = new Session()
    try {
      const error = (await session.get(`${url}/x`).catch((e: unknown) => e)) as Error
      expect(error).toMatchObject({ code: 'SPINUP_CONNECTION_REFUSED', cause: { code: 'ECONNREFUSED' } })
      expect(error.message).toContain(`GET ${url}/x failed: nothing accepts connections there`)
      expect(error.message).toMatch(/nothing of a response had arrived\. Is the server started/)
      await expectCleanAndUsable(session, { port, url })
    } finally {
      await session.close()
    }
  })

  test('https to a plain-http server: SPINUP_TLS_FAILED', async () => {
    // A plain-http server answers a TLS ClientHello with a 400, as node:http does.
    let accepted = 0
    const server = net.createServer((socket) => {
      accepted++
      socket.on('error', () => {})
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    const session = new Session()
    const url = `https://127.0.0.1:${port}/x`
    try {
      const error = (await session.get(url).catch((e: unknown) => e)) as Error
      expect(error, String(error)).toMatchObject({ code: 'SPINUP_TLS_FAILED' })
      expect(error.message).toContain(`GET ${url}`)
      expect(accepted).toBe(1)
      await expectCleanAndUsable(session, { port, url: `https://127.0.0.1:${port}` })
    } finally {
      await session.close()
      server.close()
    }
  })

  test('a certificate the session does not trust: SPINUP_TLS_UNTRUSTED with the fix', async () => {
    const { generate } = await import('selfsigned')
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
    })
    let accepted = 0
    const server = createHttpsServer({ cert: pems.cert, key: pems.private }, (_req, res) => res.end('ok'))
    server.on('connection', () => accepted++)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    const url = `https://127.0.0.1:${port}/x`
    const session = new Session()
    try {
      const error = (await session.get(url).catch((e: unknown) => e)) as Error
      expect(error, String(error)).toMatchObject({ code: 'SPINUP_TLS_UNTRUSTED' })
      expect(error.message).toContain(`GET ${url}`)
      expect(error.message).toMatch(/new Session\(\{ ca \}\).*useServer\(app, \{ https: true \}\)/)
      expect(accepted).toBe(1)
      await expectCleanAndUsable(session, { port, url: `https://127.0.0.1:${port}` })
    } finally {
      await session.close()
      server.closeAllConnections()
      server.close()
    }
  })
})

describe('requests that gave up in the queue open no connection (socketsPerOrigin: 1)', () => {
  const giveUps: Record<string, (url: string, session: Session) => Promise<unknown>> = {
    'a queued request that times out': (url, session) => session.get(url, { timeout: 50 }),
    'a queued request that is aborted': (url, session) => {
      const controller = new AbortController()
      const sent = session.get(url, { signal: controller.signal })
      setImmediate(() => controller.abort(new Error('user gave up')))
      return sent
    },
  }
  for (const [name, giveUp] of Object.entries(giveUps)) {
    test(`${name}, behind a connection then closed, is not sent on a new one`, async () => {
      const server = await startRawServer(stall) // the first request holds the only connection
      const session = new Session({ socketsPerOrigin: 1 })
      try {
        const holder = session.get(`${server.url}/hold`, { timeout: 10_000 }).catch((e: unknown) => e)
        await expect.poll(() => server.requests, { timeout: 2_000 }).toBe(1)
        const queued = (await giveUp(`${server.url}/ok`, session).catch((e: unknown) => e)) as Error
        expect(queued.message).toContain(`GET ${server.url}/ok`)
        expect((queued as { code?: string }).code).toMatch(/^SPINUP_(TIMEOUT|ABORTED)$/)
        await session.closeAllConnections()
        expect(await holder).toMatchObject({ code: 'SPINUP_CONNECTION_CLOSED' })
        // The next request needs the second connection; a phantom one for the queued request would be a third.
        expect((await session.get(`${server.url}/ok`)).status).toBe(200)
        expect(server.accepted).toBe(2)
        expect(session.sockets({ state: 'active' })).toEqual([])
        expect(establishedTo(server.port)).toHaveLength(session.sockets().length)
      } finally {
        await session.close()
        await server.close()
      }
    })
  }
})
