import { Readable } from 'node:stream'
import { startTestServer, type TestServer } from '@spinup/test-support'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedirectError, Session } from '../src/index.js'

interface Seen {
  method: string
  url: string
  body: string
  authorization?: string
  cookie?: string
  contentType?: string
}

/** Redirects as `/r/<status>/<to>` says; anything else answers with what it received. */
function redirectingServer(seen: Seen[]) {
  return startTestServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        body: Buffer.concat(chunks).toString(),
        authorization: req.headers.authorization,
        cookie: req.headers.cookie,
        contentType: req.headers['content-type'],
      })
      const match = /^\/r\/(\d{3})\/(.*)$/.exec(req.url!)
      if (match) {
        const to = decodeURIComponent(match[2]!)
        if (req.url!.includes('cookie')) res.setHeader('set-cookie', 'hop=1; Path=/')
        res.writeHead(Number(match[1]), { location: to })
        return res.end('moved')
      }
      if (req.url === '/loop/a') return res.writeHead(302, { location: '/loop/b' }).end()
      if (req.url === '/loop/b') return res.writeHead(302, { location: '/loop/a' }).end()
      res.end(`final ${req.method} ${req.url}`)
    })
  })
}

const seen: Seen[] = []
let server: TestServer
let other: TestServer
const otherSeen: Seen[] = []
beforeAll(async () => {
  server = await redirectingServer(seen)
  other = await redirectingServer(otherSeen)
})
afterAll(async () => {
  await server.close()
  await other.close()
})

async function withSession(run: (session: Session) => Promise<void>, options = {}) {
  seen.length = 0
  const session = new Session({ baseUrl: server.url, ...options })
  try {
    await run(session)
  } finally {
    await session.close()
  }
}
const to = (status: number, target: string) => `/r/${status}/${encodeURIComponent(target)}`

describe('redirects', () => {
  test("by default a 3xx is the response itself, as supertest's", () =>
    withSession(async (session) => {
      const res = await session.get(to(302, '/next'))
      expect(res.status).toBe(302)
      expect(res.header('location')).toBe('/next')
      expect(res.redirects).toEqual([])
      expect(res.url).toBe(`${server.url}${to(302, '/next')}`)
    }))

  test("redirect: 'follow' walks the chain; each hop is a tracked request and no socket stays busy", () =>
    withSession(async (session) => {
      const res = await session.get(to(301, to(302, '/end')), { redirect: 'follow' })
      expect(await res.text()).toBe('final GET /end')
      expect(res.url).toBe(`${server.url}/end`)
      expect(res.redirects).toEqual([`${server.url}${to(302, '/end')}`, `${server.url}/end`])
      expect(seen.map((s) => s.url)).toEqual([to(301, to(302, '/end')), to(302, '/end'), '/end'])
      expect(session.stats()).toMatchObject({ requests: 3, opened: 1, reused: 2, active: 0 })
      expect(session.sockets({ state: 'active' })).toEqual([])
    }))

  test.each([301, 302, 303])('%i after a POST: a GET without the body or its content-type', (status) =>
    withSession(async (session) => {
      const res = await session.post(to(status, '/landing'), { json: { a: 1 }, redirect: 'follow' })
      expect(await res.text()).toBe('final GET /landing')
      expect(seen[1]).toMatchObject({ method: 'GET', body: '', contentType: undefined })
    }),
  )

  test.each([307, 308])('%i repeats the method and the body', (status) =>
    withSession(async (session) => {
      const res = await session.put(to(status, '/again'), { form: { a: '1' }, redirect: 'follow' })
      expect(await res.text()).toBe('final PUT /again')
      expect(seen[1]).toMatchObject({
        method: 'PUT',
        body: 'a=1',
        contentType: 'application/x-www-form-urlencoded',
      })
    }),
  )

  test('a 307 cannot resend a stream body: a clear error, and the socket is free', () =>
    withSession(async (session) => {
      const err = await session
        .post(to(307, '/again'), { body: Readable.from([Buffer.from('once')]), redirect: 'follow' })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RedirectError)
      expect(err).toMatchObject({ code: 'SPINUP_REDIRECT_BODY' })
      expect((err as Error).message).toMatch(/the body was a stream and is spent/)
      expect(session.sockets({ state: 'active' })).toEqual([])
    }))

  test('a cookie set on a hop is stored and sent on the next one', () =>
    withSession(async (session) => {
      await session.get(to(302, '/after-cookie'), { redirect: 'follow' })
      expect(seen[1]).toMatchObject({ url: '/after-cookie', cookie: 'hop=1' })
    }))

  test('Authorization and cookies stay with their origin', () =>
    withSession(
      async (session) => {
        session.cookies.set('mine=1; Path=/')
        otherSeen.length = 0
        // localhost is another host than 127.0.0.1 for cookies, and another origin.
        const elsewhere = `${other.url.replace('127.0.0.1', 'localhost')}/landed`
        await session.get(to(302, elsewhere), { redirect: 'follow', headers: { cookie: 'manual=1' } })
        expect(seen[0]).toMatchObject({ authorization: 'Bearer tok', cookie: 'manual=1; mine=1' })
        expect(otherSeen).toEqual([
          expect.objectContaining({ url: '/landed', authorization: undefined, cookie: undefined }),
        ])
      },
      { auth: { bearer: 'tok' } },
    ))

  test('a loop rejects with the hops listed', () =>
    withSession(async (session) => {
      const err = await session.get('/loop/a', { redirect: 'follow' }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'SPINUP_REDIRECT_LOOP' })
      expect((err as RedirectError).hops.map((h) => h.url)).toEqual([
        `${server.url}/loop/a`,
        `${server.url}/loop/b`,
        `${server.url}/loop/a`,
      ])
      expect((err as Error).message).toContain(`  302 GET ${server.url}/loop/b → ${server.url}/loop/a`)
      expect(session.sockets({ state: 'active' })).toEqual([])
    }))

  test('more than maxRedirects rejects with the hops listed', () =>
    withSession(async (session) => {
      const err = await session
        .get(to(302, to(302, to(302, '/end'))), { redirect: 'follow', maxRedirects: 2 })
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'SPINUP_TOO_MANY_REDIRECTS' })
      expect((err as RedirectError).hops).toHaveLength(3)
      expect((err as Error).message).toMatch(/more than 2 redirects \(maxRedirects\)/)
    }))

  test("redirect: 'error' rejects at the first 3xx", () =>
    withSession(async (session) => {
      const err = await session.get(to(308, '/x'), { redirect: 'error' }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'SPINUP_REDIRECT' })
      expect((err as Error).message).toContain('answered 308 Permanent Redirect with Location')
      expect(seen).toHaveLength(1)
    }))

  test('stream() follows too, and streams the last response', () =>
    withSession(async (session) => {
      await using res = await session.stream(to(303, '/big'), {
        method: 'POST',
        body: 'x',
        redirect: 'follow',
      })
      expect(res.redirects).toEqual([`${server.url}/big`])
      expect(await res.text()).toBe('final GET /big')
    }))

  test("stream() reads a redirect hop's body under the request's timeout: a 302 whose body never ends times out", async () => {
    const stuck = await startTestServer((_req, res) => {
      res.writeHead(302, { location: '/never' })
      res.write('moving') // and never ends: the hop's body must be read before the next hop goes out
    })
    const session = new Session({ baseUrl: stuck.url })
    try {
      const err = await session
        .stream('/moved', { redirect: 'follow', timeout: 500 })
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'SPINUP_TIMEOUT', arrival: { status: 302 } })
      expect(session.sockets({ state: 'active' })).toEqual([])
    } finally {
      await session.close()
      await stuck.close()
    }
  })

  test('bad redirect options are refused', () =>
    withSession(async (session) => {
      await expect(session.get('/', { redirect: 'folow' as never })).rejects.toThrow(
        /redirect must be 'manual'/,
      )
      await expect(session.get('/', { maxRedirects: -1 })).rejects.toThrow(
        /maxRedirects must be a whole number/,
      )
    }))
})
