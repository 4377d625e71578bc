/**
 * The baseline: what a test file does by hand with no fixture library. A node:http server around a fresh
 * express app and an undici Client per test, closed after it; no leak check, no bookkeeping.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from 'undici'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createApp } from './app.js'
import { testCount, timeTheFile } from './shape.js'

timeTheFile()
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

for (let i = 0; i < testCount; i++) {
  test(`users API, case ${i}`, async () => {
    const one = await client.request({ method: 'GET', path: '/users/1' })
    expect(one.statusCode).toBe(200)
    expect(await one.body.json()).toEqual({ id: 1, name: 'Ada' })
    const created = await client.request({
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `user ${i}` }),
    })
    expect(created.statusCode).toBe(201)
    expect(await created.body.json()).toEqual({ id: 3, name: `user ${i}` })
    const all = await client.request({ method: 'GET', path: '/users' })
    expect(all.statusCode).toBe(200)
    expect(await all.body.json()).toHaveLength(3)
  })
}
