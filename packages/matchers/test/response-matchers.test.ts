import { Session } from '@spinup/client'
import { failureOf, startTestServer, type TestServer } from '@spinup/test-support'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { normalize } from './support/normalize.js'

let server: TestServer
let session: Session
beforeAll(async () => {
  server = await startTestServer((req, res) => {
    if (req.url === '/users') {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' })
      return res.end(JSON.stringify({ error: 'name is required', fields: ['name'] }))
    }
    if (req.url === '/big') {
      res.writeHead(500, { 'content-type': 'text/html' })
      return res.end(`<h1>Oops</h1>${'<p>stack frame</p>'.repeat(100)}`)
    }
    res.setHeader('set-cookie', ['a=1', 'b=2'])
    res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'abc-123' })
    res.end(JSON.stringify({ id: 7, name: 'Ada', tags: ['x', 'y'], meta: { createdBy: 'test' } }))
  })
  session = new Session({ baseUrl: server.url })
})
afterAll(async () => {
  await session.close()
  await server.close()
})

describe('toHaveStatus', () => {
  test('passes on the status, and says why a failure happened', async () => {
    const created = await session.post('/created')
    expect(created).toHaveStatus(201)
    expect(created).not.toHaveStatus(200)
    const res = await session.post('/users', { json: {} })
    expect(
      normalize(
        failureOf(() => expect(res).toHaveStatus(201)),
        { api: server.port },
      ),
    ).toBe(
      [
        'expect(res).toHaveStatus(201)',
        '',
        'Expected 201 Created, got 400 Bad Request.',
        '',
        'POST http://127.0.0.1:<api>/users',
        'content-type: application/json; charset=utf-8',
        'Body:',
        '  {',
        '    "error": "name is required",',
        '    "fields": [',
        '      "name"',
        '    ]',
        '  }',
      ].join('\n'),
    )
  })

  test('a long body is cut, with the rest counted', async () => {
    const res = await session.get('/big')
    const message = failureOf(() => expect(res).toHaveStatus(200))
    expect(message).toContain('Expected 200 OK, got 500 Internal Server Error.')
    expect(message).toMatch(
      /<h1>Oops<\/h1><p>stack frame<\/p>.*… \(\d+ more characters, 1813 bytes in all\)$/s,
    )
  })

  test('a streamed response, without reading its body', async () => {
    await using res = await session.stream('/users')
    expect(failureOf(() => expect(res).toHaveStatus(200))).toContain('(a streamed body, not read')
  })

  test('something that is not a response is a usage error', () => {
    expect(() => expect({ status: 200 }).toHaveStatus(200)).toThrow(/checks a response of a spinup Session/)
    expect(() => expect(session).toHaveStatus(200)).toThrow(/was given an instance of Session/)
  })
})

describe('toHaveHeader', () => {
  test('present, equal to a string, matching a RegExp; set-cookie by any of its values', async () => {
    const res = await session.get('/')
    expect(res).toHaveHeader('Content-Type')
    expect(res).toHaveHeader('x-request-id', 'abc-123')
    expect(res).toHaveHeader('content-type', /json/)
    expect(res).toHaveHeader('set-cookie', 'b=2')
    expect(res).not.toHaveHeader('x-powered-by')
    expect(res).not.toHaveHeader('x-request-id', /^zzz/)
  })

  test('a global RegExp gives the same answer every time (its lastIndex is not used)', async () => {
    const res = await session.get('/')
    const shared = /json/g
    for (let i = 0; i < 3; i++) expect(res).toHaveHeader('content-type', shared)
  })

  test('an absent header is named as such, with the headers there are', async () => {
    const res = await session.get('/')
    const message = failureOf(() => expect(res).toHaveHeader('Location'))
    expect(message).toContain(
      'The response has no location header. Headers it has: set-cookie, content-type,',
    )
  })

  test('a different value shows both', async () => {
    const res = await session.get('/')
    const message = failureOf(() => expect(res).toHaveHeader('x-request-id', 'zzz'))
    expect(message).toContain('x-request-id: "abc-123"')
    expect(message).toContain(`GET ${server.url}/ answered 201 Created`)
  })
})

describe('toHaveJsonBody', () => {
  test('matches like toMatchObject, asymmetric matchers included', async () => {
    const res = await session.get('/')
    expect(res).toHaveJsonBody({ id: 7, tags: ['x', 'y'] })
    expect(res).toHaveJsonBody({ name: expect.stringMatching(/^A/), meta: {} })
    expect(res).not.toHaveJsonBody({ id: 8 })
  })

  test('a mismatch comes with vitest’s diff', async () => {
    const res = await session.get('/')
    let error: unknown
    try {
      expect(res).toHaveJsonBody({ id: 8 })
    } catch (e) {
      error = e
    }
    expect((error as Error).message).toContain(`The body of GET ${server.url}/ (201 Created) does not match:`)
    // What vitest's reporter diffs: the parsed body against the expected object.
    expect(error).toMatchObject({ actual: expect.objectContaining({ id: 7 }), expected: { id: 8 } })
  })

  test('a body that is not JSON says so and shows it', async () => {
    const res = await session.get('/big')
    expect(failureOf(() => expect(res).toHaveJsonBody({}))).toContain(
      'The body is not JSON (500 Internal Server Error).',
    )
  })
})
