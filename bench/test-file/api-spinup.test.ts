/** The same file with spinup: useServer with a fresh app per test, requests through the handle's session. */
import { createServer } from 'node:http'
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'
import { createApp } from './app.js'
import { testCount, timeTheFile } from './shape.js'

timeTheFile()
const api = useServer({ server: () => createServer(createApp()) })

for (let i = 0; i < testCount; i++) {
  test(`users API, case ${i}`, async () => {
    const one = await api.session.get('/users/1')
    expect(one.status).toBe(200)
    expect(await one.json()).toEqual({ id: 1, name: 'Ada' })
    const created = await api.session.post('/users', { json: { name: `user ${i}` } })
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual({ id: 3, name: `user ${i}` })
    const all = await api.session.get('/users')
    expect(all.status).toBe(200)
    expect(await all.json()).toHaveLength(3)
  })
}
