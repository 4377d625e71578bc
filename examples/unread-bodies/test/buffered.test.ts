/**
 * With `get()`, `head()`, `post()` and friends, nothing leaks: the session reads the whole body before the
 * call resolves and puts the socket back in the pool, whether or not the test ever looks at the body.
 */
import { useServer } from '@spinup/fixtures'
import { Agent, request } from 'undici'
import { describe, expect, test } from 'vitest'
import { app } from '../src/app.js'

const api = useServer(app)

describe('bodies nobody reads leave no socket behind with a session', () => {
  test('20 HEAD requests', async () => {
    for (let i = 0; i < 20; i++) expect((await api.session.head('/report')).status).toBe(200)
    expect(api.session).toHaveActiveSockets(0)
    expect(api.connections().inFlight).toEqual([]) // the server agrees: nothing in flight
  })

  test('20 POSTs whose status alone is read', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await api.session.post('/orders', { json: { item: i } })
      expect(res.status).toBe(201) // the 1 MiB echo is never looked at
    }
    expect(api.session).toHaveActiveSockets(0)
    expect(api.connections().inFlight).toEqual([])
    // Sequential requests share one connection, since each one returned it to the pool.
    expect(api.session).toHaveOpenedSocketsInTotal(1)
  })

  test('20 GETs whose body is read only on 200', async () => {
    const found: unknown[] = []
    for (let id = 0; id < 20; id++) {
      const res = await api.session.get(`/users/${id}`)
      if (res.status === 200) found.push(await res.json()) // the 1 MiB 404 pages are never read
    }
    expect(found).toHaveLength(10)
    expect(api.session).toHaveActiveSockets(0)
    expect(api.connections().inFlight).toEqual([])
    expect(api.session).toHaveOpenedSocketsInTotal(1)
  })
})

test('what the session saves you from: a plain undici Agent keeps a connection per unread body', async () => {
  const agent = new Agent()
  const responses = []
  try {
    for (let id = 1; id < 40; id += 2) {
      const res = await request(`${api.origin}/users/${id}`, { dispatcher: agent })
      expect(res.statusCode).toBe(404) // ...and its 1 MiB error page is never read
      responses.push(res)
    }
    // Each unread body holds its connection, so every request had to open a new one: 20 on the server.
    expect(api.connections().open).toBe(20)
  } finally {
    for (const res of responses) res.body.destroy()
    await agent.destroy()
  }
})
