/**
 * A hono application is a fetch handler: `useServer(app)` (or `app.fetch`) serves it through
 * @hono/node-server's request listener, with no adapter code in the test. Request and response bodies
 * stream; `c.req.url` is the absolute URL the client used.
 */
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'
import { createApp } from '../src/app.js'

// The app itself; a fresh one per test would be `useServer(() => createApp())`.
const api = useServer(createApp())

test('creates a note, then finds it where Location says', async () => {
  const created = await api.session.post('/notes', { json: { text: 'buy milk' } })
  expect(created.status).toBe(201)
  const found = await api.session.get(created.header('location') as string)
  expect(await found.json()).toEqual({ id: 1, text: 'buy milk' })
})

test('validation errors are ordinary responses', async () => {
  const res = await api.session.post('/notes', { json: {} })
  expect(res.status).toBe(400)
  expect(await res.json()).toEqual({ error: 'text is required' })
})

test('the handler sees the absolute URL of the request', async () => {
  const res = await api.session.get('/whoami', { query: { as: 'test' } })
  expect(await res.text()).toBe(`${api.origin}/whoami?as=test`)
})

test('a streamed body arrives part by part', async () => {
  await using res = await api.session.stream('/countdown')
  const parts: string[] = []
  for await (const chunk of res.body) parts.push(String(chunk))
  expect(parts.join('')).toBe('3\n2\n1\n')
  expect(parts.length).toBeGreaterThan(1)
})
