/**
 * A fastify 5 application the way you write it: the instance itself goes to useServer. spinup calls
 * ready() (plugins, hooks), serves fastify's own request pipeline, and closes each instance at stop, so its
 * onClose hooks run per test.
 */
import { useServer } from '@spinup/fixtures'
import { describe, expect, test } from 'vitest'
import { buildApp, TodoStore } from '../src/app.js'

// The factory form: a fresh fastify instance (and store) per test, closed after it.
const api = useServer(() => buildApp())

describe('todos API', () => {
  test('lists todos', async () => {
    const res = await api.session.get('/todos')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([{ id: 1, title: 'write the tests', done: false }])
  })

  test('creates a todo', async () => {
    const res = await api.session.post('/todos', { json: { title: 'ship it' } })
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ id: 2, title: 'ship it', done: false })
  })

  test("fastify's schema validation answers 400, with its own message", async () => {
    const res = await api.session.post('/todos', { json: { title: '' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ message: 'body/title must NOT have fewer than 1 characters' })
  })

  test('each test gets a fresh instance; stop closes it, running its onClose hook', async () => {
    expect(await (await api.session.get('/todos')).json()).toHaveLength(1)
    const closedBefore = TodoStore.closed
    await api.stop()
    expect(TodoStore.closed).toBe(closedBefore + 1)
  })

  test('requests of a test share one pooled connection and leave none busy', async () => {
    for (let i = 0; i < 3; i++) await (await api.session.get('/todos')).json()
    expect(api.session).toHaveOpenedSocketsInTotal(1)
    expect(api.session).toHaveActiveSockets(0)
  })
})

describe('an instance built once for the file', () => {
  const shared = buildApp()
  const once = useServer(shared, { scope: 'file' })

  test('is made ready by spinup, never closed by it (it is yours)', async () => {
    expect((await once.session.get('/todos')).status).toBe(200)
    await once.server.restart()
    expect((await once.session.get('/todos')).status).toBe(200)
  })
})
