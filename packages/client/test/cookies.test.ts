import { startTestServer, type TestServer } from '@spinup/test-support'
import { fetch as undiciFetch } from 'undici'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { InvalidCookieError, Session } from '../src/index.js'
import { startHttpsServer } from './support/tls.js'

/** A server that sets what `?set=` says (repeatable) and answers with the Cookie header it received. */
let server: TestServer
beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    const set = url.searchParams.getAll('set')
    if (set.length) res.setHeader('set-cookie', set)
    res.end(req.headers.cookie ?? '')
  })
})
afterAll(async () => {
  await server.close()
})

async function withSession(run: (session: Session) => Promise<void>, options = {}) {
  const session = new Session({ baseUrl: server.url, ...options })
  try {
    await run(session)
  } finally {
    await session.close()
  }
}

const setting = (...cookies: string[]) => ({ query: { set: cookies } })
const cookieNames = (session: Session) =>
  session.cookies
    .get()
    .map((c) => c.name)
    .sort()

describe('a session keeps the cookies its responses set', () => {
  test('log in once, and later requests carry the session cookie', () =>
    withSession(async (session) => {
      const login = await session.post('/login', setting('sid=abc; Path=/; HttpOnly'))
      expect(login.headers['set-cookie']).toEqual(['sid=abc; Path=/; HttpOnly'])
      expect(await (await session.get('/me')).text()).toBe('sid=abc')
      expect(await (await session.get('/other')).text()).toBe('sid=abc')
    }))

  test('two sessions never share cookies', () =>
    withSession(async (ada) => {
      await withSession(async (bob) => {
        await ada.get('/login', setting('sid=ada'))
        await bob.get('/login', setting('sid=bob'))
        expect(await (await ada.get('/me')).text()).toBe('sid=ada')
        expect(await (await bob.get('/me')).text()).toBe('sid=bob')
      })
    }))

  test('a cookie with a Path goes only to that path and below', () =>
    withSession(async (session) => {
      await session.get('/admin/login', setting('adm=1; Path=/admin'))
      expect(await (await session.get('/admin/users')).text()).toBe('adm=1')
      expect(await (await session.get('/public')).text()).toBe('')
      expect(await (await session.get('/administrator')).text()).toBe('')
    }))

  test('Max-Age=0 deletes a cookie (logging out)', () =>
    withSession(async (session) => {
      await session.get('/login', setting('sid=abc; Path=/', 'theme=dark; Path=/'))
      await session.get('/logout', setting('sid=; Path=/; Max-Age=0'))
      expect(await (await session.get('/me')).text()).toBe('theme=dark')
      expect(session.cookies.get().map((c) => c.name)).toEqual(['theme'])
    }))

  test('an Expires in the past deletes it too; one in the future is recorded', () =>
    withSession(async (session) => {
      const inADay = new Date(Date.now() + 86_400_000)
      inADay.setMilliseconds(0)
      await session.get('/a', setting(`keep=1; Expires=${inADay.toUTCString()}`, 'gone=1'))
      await session.get('/b', setting('gone=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'))
      expect(session.cookies.get()).toEqual([
        expect.objectContaining({ name: 'keep', value: '1', expires: inADay }),
      ])
    }))

  test('a cookie whose Max-Age has passed is no longer sent', () =>
    withSession(async (session) => {
      await session.get('/a', setting('short=1; Max-Age=60', 'session=1'))
      vi.useFakeTimers({ toFake: ['Date'] })
      try {
        vi.setSystemTime(Date.now() + 61_000)
        expect(await (await session.get('/me')).text()).toBe('session=1')
      } finally {
        vi.useRealTimers()
      }
    }))

  test('HttpOnly, SameSite and host-only are recorded', () =>
    withSession(async (session) => {
      await session.get('/a', setting('a=1; HttpOnly; SameSite=Strict', 'b=2; SameSite=Lax', 'c=3'))
      expect(session.cookies.get(`${server.url}/`)).toEqual([
        {
          name: 'a',
          value: '1',
          domain: '127.0.0.1',
          path: '/',
          httpOnly: true,
          secure: false,
          sameSite: 'strict',
          hostOnly: true,
        },
        {
          name: 'b',
          value: '2',
          domain: '127.0.0.1',
          path: '/',
          httpOnly: false,
          secure: false,
          sameSite: 'lax',
          hostOnly: true,
        },
        {
          name: 'c',
          value: '3',
          domain: '127.0.0.1',
          path: '/',
          httpOnly: false,
          secure: false,
          hostOnly: true,
        },
      ])
    }))

  test('a host-only cookie of 127.0.0.1 is not sent to localhost, though it is the same server', () =>
    withSession(async (session) => {
      await session.get('/a', setting('h=1'))
      const localhost = server.url.replace('127.0.0.1', 'localhost')
      expect(await (await session.get(`${localhost}/me`)).text()).toBe('')
      expect(await (await session.get('/me')).text()).toBe('h=1')
    }))

  test('a cookie for a domain that is not the server’s is refused', () =>
    withSession(async (session) => {
      await session.get('/a', setting('x=1; Domain=example.com', 'ok=1'))
      expect(await (await session.get('/me')).text()).toBe('ok=1')
    }))

  test('a Domain cookie reaches subdomains, a host-only one does not', () =>
    withSession(async (session) => {
      session.cookies.set('wide=1; Domain=example.test', 'http://app.example.test/')
      session.cookies.set('narrow=1', 'http://app.example.test/')
      expect(session.cookies.get('http://api.example.test/').map((c) => c.name)).toEqual(['wide'])
      expect(
        session.cookies
          .get('http://app.example.test/')
          .map((c) => c.name)
          .sort(),
      ).toEqual(['narrow', 'wide'])
    }))

  test('a cookie the request sets explicitly wins over the jar’s of the same name', () =>
    withSession(async (session) => {
      await session.get('/a', setting('a=jar', 'b=jar'))
      const res = await session.get('/me', { headers: { cookie: 'a=mine' } })
      expect(await res.text()).toBe('a=mine; b=jar')
    }))
})

describe('Secure cookies travel over https only', () => {
  test('set over https, sent to https, not to http on the same host', async () => {
    const secure = await startHttpsServer((req, res) => {
      if (req.url === '/login') res.setHeader('set-cookie', ['s=1; Secure; Path=/', 'p=1; Path=/'])
      res.end(req.headers.cookie ?? '')
    })
    const session = new Session({ ca: secure.cert })
    try {
      await session.get(`${secure.url}/login`)
      expect(await (await session.get(`${secure.url}/me`)).text()).toBe('s=1; p=1')
      // Cookies ignore ports: the plain server on 127.0.0.1 is the same host.
      expect(await (await session.get(`${server.url}/me`)).text()).toBe('p=1')
      expect(session.cookies.get().find((c) => c.name === 's')).toMatchObject({ secure: true })
    } finally {
      await session.close()
      await secure.close()
    }
  })

  test('a plain-http response cannot set a Secure cookie', () =>
    withSession(async (session) => {
      await session.get('/a', setting('s=1; Secure', 'p=1'))
      expect(session.cookies.get().map((c) => c.name)).toEqual(['p'])
    }))
})

describe('session.cookies', () => {
  test('set() stores a cookie for the baseUrl; get() without a URL lists every cookie; clear() empties', () =>
    withSession(async (session) => {
      expect(session.cookies.set('theme=dark; Path=/')).toMatchObject({ name: 'theme', domain: '127.0.0.1' })
      session.cookies.set('other=1', 'http://example.test/')
      expect(await (await session.get('/me')).text()).toBe('theme=dark')
      expect(cookieNames(session)).toEqual(['other', 'theme'])
      expect(session.cookies.get('/me').map((c) => c.name)).toEqual(['theme'])
      session.cookies.clear()
      expect(session.cookies.get()).toEqual([])
      expect(await (await session.get('/me')).text()).toBe('')
    }))

  test('a cookie the jar refuses is a coded error naming it and why', () =>
    withSession(async (session) => {
      const err = (() => {
        try {
          session.cookies.set('x=1; Domain=example.com')
        } catch (e) {
          return e
        }
      })()
      expect(err).toBeInstanceOf(InvalidCookieError)
      expect(err).toMatchObject({ code: 'SPINUP_INVALID_COOKIE' })
      expect((err as Error).message).toMatch(
        /set\("x=1; Domain=example.com"\) for http:\/\/127.0.0.1:\d+\/: Cookie not in this host's domain/,
      )
    }))

  test('set() without a URL on a session without baseUrl says to give one', async () => {
    const session = new Session()
    try {
      expect(() => session.cookies.set('a=1')).toThrow(/without a baseUrl on the session, give the URL/)
    } finally {
      await session.close()
    }
  })

  test('cookies: false means no jar: nothing is kept, and session.cookies says so', () =>
    withSession(
      async (session) => {
        const res = await session.get('/a', setting('sid=1'))
        expect(res.headers['set-cookie']).toEqual(['sid=1'])
        expect(await (await session.get('/me')).text()).toBe('')
        expect(() => session.cookies).toThrow(InvalidCookieError)
        expect(() => session.cookies).toThrow(/created with \{ cookies: false \}/)
      },
      { cookies: false },
    ))
})

describe('code under test sharing the session’s jar through session.dispatcher', () => {
  test('fetch through session.dispatcher sends the session’s cookies and fills its jar', () =>
    withSession(async (session) => {
      await session.get('/login', setting('sid=abc'))
      const seen = await undiciFetch(`${server.url}/me?set=fromFetch%3D1`, { dispatcher: session.dispatcher })
      expect(await seen.text()).toBe('sid=abc')
      expect(await (await session.get('/me')).text()).toBe('sid=abc; fromFetch=1')
      expect(session.stats().requests).toBe(3)
    }))

  test('the global fetch routed through the session too', () =>
    withSession(async (session) => {
      session.cookies.set('sid=abc')
      using _route = session.routeGlobalFetch()
      const res = await fetch(`${server.url}/me?set=global%3D1`, { headers: { cookie: 'mine=1' } })
      expect(await res.text()).toBe('mine=1; sid=abc')
      expect(cookieNames(session)).toEqual(['global', 'sid'])
    }))
})

test("session.dispatcher (with its cookie jar) emits the agent's connect and disconnect events", async () => {
  const server = await startTestServer((_req, res) => res.end('ok'))
  const session = new Session({ baseUrl: server.url })
  try {
    const seen: string[] = []
    session.dispatcher.on('connect', (origin) => seen.push(`connect ${new URL(String(origin)).origin}`))
    session.dispatcher.on('disconnect', (origin) => seen.push(`disconnect ${new URL(String(origin)).origin}`))
    await session.get('/')
    await session.closeAllConnections()
    await server.connections[0]!.closed
    expect(seen).toEqual([`connect ${server.url}`, `disconnect ${server.url}`])
  } finally {
    await session.close()
    await server.close()
  }
})
