import { startTestServer, type TestServer } from '@spinup/test-support'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkOptionKeys, knownKeys, Session, SpinupError, UnknownOptionError } from '../src/index.js'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer((_req, res) => res.end('ok'))
})
afterAll(async () => {
  await server.close()
})

function thrown(fn: () => unknown): UnknownOptionError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(UnknownOptionError)
    expect(err).toBeInstanceOf(SpinupError)
    return err as UnknownOptionError
  }
  throw new Error('expected a throw')
}

describe('a typo in an option name fails at once instead of doing nothing', () => {
  test('new Session({ baseURL }) suggests baseUrl', () => {
    const err = thrown(() => new Session({ baseURL: server.url } as never))
    expect(err).toMatchObject({
      code: 'SPINUP_UNKNOWN_OPTION',
      key: 'baseURL',
      where: 'Session options',
      suggestion: 'baseUrl',
    })
    expect(err.message).toContain('Session options: unknown option "baseURL"; did you mean baseUrl?')
  })

  test('a request with { header } suggests headers, and nothing reaches the server', async () => {
    const session = new Session({ baseUrl: server.url })
    try {
      const err = await session.get('/', { header: { a: 'b' } } as never).catch((e: unknown) => e)
      expect(err).toMatchObject({
        code: 'SPINUP_UNKNOWN_OPTION',
        key: 'header',
        where: 'request options',
        suggestion: 'headers',
      })
      expect(session.stats().opened).toBe(0)
      expect(server.requests).toHaveLength(0)
    } finally {
      await session.close()
    }
  })

  test('stream() options know `method` and reject a misspelt one', async () => {
    const session = new Session({ baseUrl: server.url })
    try {
      const err = await session.stream('/', { methd: 'POST' } as never).catch((e: unknown) => e)
      expect(err).toMatchObject({ key: 'methd', where: 'stream() options', suggestion: 'method' })
      await using res = await session.stream('/', { method: 'GET', timeout: undefined })
      expect(await res.text()).toBe('ok')
    } finally {
      await session.close()
    }
  })

  test('a key close to nothing gets no guess, and the message lists the known keys', () => {
    const err = thrown(() => new Session({ pooling: 4 } as never))
    expect(err.suggestion).toBeUndefined()
    expect(err.message).toMatch(
      /^Session options: unknown option "pooling"\. Known options: baseUrl, headers, timeout, .*retryStale/,
    )
  })

  test('a cut-short key is recognised by its prefix', () => {
    expect(thrown(() => new Session({ keepAlive: 1 } as never)).suggestion).toBe('keepAliveTimeout')
  })

  test('known keys set to undefined are fine', async () => {
    const session = new Session({ baseUrl: server.url, timeout: undefined, headers: undefined })
    try {
      expect((await session.get('/', { query: undefined, body: undefined })).status).toBe(200)
    } finally {
      await session.close()
    }
  })
})

describe('checkOptionKeys for other packages', () => {
  interface ServeOptions {
    port?: number
    host?: string
  }
  const keys = knownKeys<ServeOptions>({ port: true, host: true })

  test('names the place the caller gives and the nearest key', () => {
    const err = thrown(() => checkOptionKeys({ prot: 3000 }, keys, 'startServer options'))
    expect(err.message).toBe(
      'startServer options: unknown option "prot"; did you mean port? Known options: port, host.',
    )
  })

  test('inherited keys are not options', () => {
    const options = Object.create({ inherited: true }) as ServeOptions
    options.port = 1
    expect(() => checkOptionKeys(options, keys, 'startServer options')).not.toThrow()
  })
})
