/**
 * The steadiest view of spinup's cost per test: one file whose describe blocks alternate a hand-written
 * test (node:http server + undici Client), the same test on a spinup Session, and the same under
 * useServer, BENCH_ALT_BLOCKS times over (10 tests a block, 3 requests a test, a fresh express app per
 * test). Each block is timed from its first test's beforeEach to its last test's afterEach; a block's
 * ratio is its mean per test over the hand-written block just before it, so drift and load hit both
 * sides. Writes the per-block ratios as JSON to BENCH_TESTFILE_OUT (bench/modules/test-file.ts).
 */
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Session } from '@spinup/client'
import { useServer } from '@spinup/fixtures'
import { Client } from 'undici'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createApp } from './app.js'

const blocks = Number(process.env.BENCH_ALT_BLOCKS ?? 60)
const perBlock = 10
const forms = ['client', 'session', 'useServer'] as const
type FormName = (typeof forms)[number]
const perTest: Record<FormName, number[][]> = { client: [], session: [], useServer: [] }
let current: number[] = []
let started = 0

beforeEach(() => {
  started = performance.now()
})
afterEach(() => {
  current.push(performance.now() - started)
})
afterAll(() => {
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length
  // The first two rounds warm up.
  const rounds = perTest.client.map((_, i) => i).slice(2)
  const ratios = (form: FormName) => rounds.map((i) => mean(perTest[form][i]!) / mean(perTest.client[i]!))
  const meanMs = (form: FormName) => mean(rounds.map((i) => mean(perTest[form][i]!)))
  const result = {
    tests: blocks * perBlock * forms.length,
    clientMs: meanMs('client'),
    sessionMs: meanMs('session'),
    useServerMs: meanMs('useServer'),
    session: ratios('session'),
    useServer: ratios('useServer'),
  }
  const out = process.env.BENCH_TESTFILE_OUT
  if (out) writeFileSync(out, JSON.stringify(result), { flag: 'wx' })
})

interface Api {
  get(path: string): Promise<{ status: number; json(): Promise<unknown> }>
  post(path: string, body: unknown): Promise<{ status: number; json(): Promise<unknown> }>
}

function tests(name: FormName, api: () => Api): void {
  beforeEach(() => {
    if (current.length === 0 || current.length === perBlock) {
      current = []
      perTest[name].push(current)
    }
  })
  for (let i = 0; i < perBlock; i++) {
    test(`${name} ${i}`, async () => {
      const one = await api().get('/users/1')
      expect(one.status).toBe(200)
      expect(await one.json()).toEqual({ id: 1, name: 'Ada' })
      const created = await api().post('/users', { name: `user ${i}` })
      expect(created.status).toBe(201)
      expect(await created.json()).toEqual({ id: 3, name: `user ${i}` })
      const all = await api().get('/users')
      expect(all.status).toBe(200)
      expect(await all.json()).toHaveLength(3)
    })
  }
}

function clientBlock(): void {
  let server: Server
  let client: Client
  beforeEach(async () => {
    server = createServer(createApp())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    client = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  })
  afterEach(async () => {
    await client.close()
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
  })
  tests('client', () => ({
    get: async (path) => {
      const res = await client.request({ method: 'GET', path })
      return { status: res.statusCode, json: () => res.body.json() }
    },
    post: async (path, body) => {
      const res = await client.request({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      return { status: res.statusCode, json: () => res.body.json() }
    },
  }))
}

function sessionBlock(): void {
  let server: Server
  let session: Session
  beforeEach(async () => {
    server = createServer(createApp())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    session = new Session({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  })
  afterEach(async () => {
    await session.closeAllConnections()
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
    await session.close()
  })
  tests('session', () => ({
    get: (path) => session.get(path),
    post: (path, json) => session.post(path, { json }),
  }))
}

function useServerBlock(): void {
  const api = useServer({ server: () => createServer(createApp()) })
  tests('useServer', () => ({
    get: (path) => api.session.get(path),
    post: (path, json) => api.session.post(path, { json }),
  }))
}

for (let b = 0; b < blocks; b++) {
  describe(`block ${b}: hand-written`, clientBlock)
  describe(`block ${b}: Session`, sessionBlock)
  describe(`block ${b}: useServer`, useServerBlock)
}
