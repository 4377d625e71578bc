/**
 * An express 5 application, tested the way a user of spinup would: a fresh server per test, requests through
 * the handle's pooled session, and nothing left behind after each test.
 */
import { createServer } from 'node:http'
import { useServer } from '@spinup/fixtures'
import { describe, expect, test } from 'vitest'
import { createApp } from '../src/app.js'

// The factory form: a fresh app (and a fresh in-memory store) for every test.
const api = useServer({ server: () => createServer(createApp()) })

describe('users API', () => {
  test('lists users', async () => {
    const res = await api.session.get('/users', { query: { limit: 1 } })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(await res.json()).toEqual([{ id: 1, name: 'Ada' }])
  })

  test('creates a user, then finds it where Location says', async () => {
    const created = await api.session.post('/users', { json: { name: 'Barbara' } })
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual({ id: 3, name: 'Barbara' })

    const found = await api.session.get(created.header('location') as string)
    expect(await found.json()).toEqual({ id: 3, name: 'Barbara' })
  })

  test('each test starts from a fresh store: the user created by the previous test is not there', async () => {
    expect((await api.session.get('/users/3')).status).toBe(404)
  })

  test('rejects a user without a name', async () => {
    const res = await api.session.post('/users', { json: {} })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'name is required' })
  })

  test('deletes a user', async () => {
    expect((await api.session.delete('/users/2')).status).toBe(204)
    expect((await api.session.get('/users/2')).status).toBe(404)
    expect((await api.session.delete('/users/2')).status).toBe(404)
  })

  test("a route that throws gets express's 500, and the test can check it", async () => {
    const res = await api.session.get('/reports/broken')
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: 'the report generator is down' })
  })

  test('every request of a test shares one connection, and none is left busy', async () => {
    for (let i = 0; i < 10; i++) await api.session.get('/health')
    expect(api.session).toHaveOpenedSocketsInTotal(1)
    expect(api.session).toHaveActiveSockets(0)
  })
})
