import { FormData as UndiciFormData } from 'undici'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { InvalidRequestError, Session } from '../src/index.js'
import { startExpressApp } from './support/express-app.js'

let app: Awaited<ReturnType<typeof startExpressApp>>
let session: Session
beforeAll(async () => {
  app = await startExpressApp()
})
afterAll(async () => {
  await app.close()
})
beforeEach(() => {
  session = new Session({ baseUrl: app.url })
})
afterEach(async () => {
  await session.close()
})

describe('forms an express app reads with express.urlencoded({ extended: true })', () => {
  test('nested objects and arrays arrive as nested data', async () => {
    const res = await session.post('/echo', {
      form: {
        name: 'Ada',
        user: { role: 'admin', langs: ['en', 'fr'] },
        tags: ['x', 'y'],
        age: 36,
        ok: true,
      },
    })
    expect(await res.json()).toEqual({
      body: {
        name: 'Ada',
        user: { role: 'admin', langs: ['en', 'fr'] },
        tags: ['x', 'y'],
        age: '36',
        ok: 'true',
      },
      contentType: 'application/x-www-form-urlencoded',
    })
  })

  test('URLSearchParams is a urlencoded body too', async () => {
    const res = await session.post('/echo', { body: new URLSearchParams({ a: '1', 'b[c]': '2' }) })
    expect(await res.json()).toEqual({
      body: { a: '1', b: { c: '2' } },
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    })
  })

  test.each([
    [
      'a function',
      { user: { name: () => 'x' } },
      'form.user.name is the function name with 0 declared parameters',
    ],
    ['a Date', { when: new Date(0) }, 'form.when is a Date, which a form cannot carry: say how to send it'],
    ['a BigInt', { list: [1, 2n] }, 'form.list[1] is a BigInt'],
    ['null', { a: null }, "form.a is null, which a form cannot carry: give ''"],
    ['NaN', { n: Number.NaN }, 'form.n is NaN'],
  ])('a field holding %s is refused, naming its path', async (_name, form, message) => {
    const err = await session.post('/echo', { form: form as never }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidRequestError)
    expect((err as Error).message).toContain(message)
    expect(session.stats().requests).toBe(0)
  })

  test('form, json and body are mutually exclusive', async () => {
    await expect(session.post('/echo', { form: { a: '1' }, json: { a: 1 } })).rejects.toThrow(
      'Give one of `json`, `form` or `body`, not `json` and `form`.',
    )
    await expect(session.post('/echo', { form: { a: '1' }, body: 'a=1' })).rejects.toThrow(
      /not `form` and `body`/,
    )
  })
})

describe('multipart uploads a multer app reads', () => {
  test('FormData with fields and files', async () => {
    const form = new FormData()
    form.append('title', 'Report')
    form.append('doc', new Blob(['hello file'], { type: 'text/plain' }), 'hello.txt')
    form.append('doc', new File(['{"a":1}'], 'data.json', { type: 'application/json' }))
    const res = await session.post('/upload', { body: form })
    expect(await res.json()).toEqual({
      fields: { title: 'Report' },
      files: [
        { field: 'doc', name: 'hello.txt', type: 'text/plain', text: 'hello file' },
        { field: 'doc', name: 'data.json', type: 'application/json', text: '{"a":1}' },
      ],
    })
  })

  test("undici's own FormData too", async () => {
    const form = new UndiciFormData()
    form.append('title', 'From undici')
    const res = await session.post('/upload', { body: form })
    expect(await res.json()).toEqual({ fields: { title: 'From undici' }, files: [] })
  })

  test('a Blob is sent with its type', async () => {
    const res = await session.post('/echo', {
      body: new Blob(['{"from":"blob"}'], { type: 'application/json' }),
    })
    expect(await res.json()).toEqual({ body: { from: 'blob' }, contentType: 'application/json' })
  })
})

describe('a login flow with cookie-parser, signed cookies and a 303 redirect', () => {
  test('log in once; later requests are logged in; log out', async () => {
    const login = await session.post('/login', { form: { name: 'ada' }, redirect: 'follow' })
    expect(login.status).toBe(200)
    expect(login.url).toBe(`${app.url}/me`)
    expect(login.redirects).toEqual([`${app.url}/me`])
    expect(await login.json()).toEqual({ sid: 'user-ada', theme: 'dark' })
    expect(session.cookies.get().map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([
      ['sid', true, undefined],
      ['theme', false, 'lax'],
    ])
    expect((await session.get('/me')).status).toBe(200)
    expect((await session.post('/logout')).status).toBe(204)
    expect((await session.get('/me')).status).toBe(401)
  })
})

describe('auth', () => {
  test('Basic per request, Bearer per session, the request’s own winning', async () => {
    const basic = await session.get('/auth', { auth: { username: 'ada', password: 'pw:ü' } })
    expect(await basic.json()).toEqual({
      authorization: `Basic ${Buffer.from('ada:pw:ü').toString('base64')}`,
    })
    const bearer = new Session({ baseUrl: app.url, auth: { bearer: 'tok.123' } })
    try {
      expect(await (await bearer.get('/auth')).json()).toEqual({ authorization: 'Bearer tok.123' })
      const own = await bearer.get('/auth', { auth: { username: 'u', password: 'p' } })
      expect(await own.json()).toEqual({ authorization: 'Basic dTpw' })
      const header = await bearer.get('/auth', { headers: { authorization: 'Token x' } })
      expect(await header.json()).toEqual({ authorization: 'Token x' })
    } finally {
      await bearer.close()
    }
  })

  test.each([
    [{ user: 'a', password: 'b' }, /auth must be \{ username, password \} \(Basic\) or \{ bearer \}/],
    [{ bearer: 'Bearer abc' }, /pass the token alone, without "Bearer "/],
    [{ username: 'a:b', password: 'c' }, /cannot contain ":"/],
  ])('bad auth %o is refused', async (auth, message) => {
    await expect(session.get('/auth', { auth: auth as never })).rejects.toThrow(message)
    expect(() => new Session({ auth: auth as never })).toThrow(message)
  })
})
