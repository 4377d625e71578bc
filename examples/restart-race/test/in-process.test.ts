/**
 * 50 tests in quick succession, each with a fresh API server on the same fixed port: spinup's `useServer`
 * starts it before the test (ready before the first request), and after the test closes the session's
 * connections and stops the server completely (every server-side socket closed, the port free again).
 */
import { createServer } from 'node:http'
import { reservePort, useServer } from '@spinup/fixtures'
import { afterAll, describe, expect, test } from 'vitest'
import { createApi, nextLongPoll } from '../src/api.js'

// One fixed port for the file, as a suite with a hard-coded API port has. Reserved, not just found free:
// between two tests the port is free for a moment, and a second run of this suite on the machine must not
// pick it then (a range per file keeps this project's files apart too).
const reservation = await reservePort({ from: 24100, to: 24119 })
afterAll(() => reservation.release())
const PORT = reservation.port
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

// A factory: spinup calls it for every start, so each test gets a new instance with its own name.
let started = 0
const freshApi = { server: () => createServer(createApi(`instance-${++started}`)) }

describe(`50 tests, each with a fresh API server on port ${PORT}`, () => {
  const api = useServer(freshApi, { port: PORT })

  test.for(range(50))('test %i is answered by the instance started for it', async () => {
    expect(api.port).toBe(PORT)
    const res = await api.session.get('/instance')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ instance: `instance-${started}` })
    const users = await api.session.get('/users')
    expect(users.header('x-instance')).toBe(`instance-${started}`)
    // Both requests went over one fresh connection to this instance.
    expect(api.session).toHaveOpenedSocketsInTotal(1)
  })
})

describe("one server for the file ({ scope: 'file' }), restarted on the same port inside each test", () => {
  const api = useServer(freshApi, { port: PORT, scope: 'file' })

  test.for(range(10))('restart %i: the same session reaches the new instance at once', async () => {
    const before = await api.session.get('/instance')
    const previous = started
    expect(await before.json()).toEqual({ instance: `instance-${previous}` })

    // The scenario of without-spinup.test.ts: a long poll still in flight when the server goes away.
    const arrived = nextLongPoll()
    const longPoll = api.session.get('/events').catch((error: unknown) => error)
    await arrived

    // restart() closes the session's pooled connections first (cutting the long poll off), then stops the
    // server completely and starts a new instance on the same port.
    await api.restart()
    expect(await longPoll).toMatchObject({ code: 'SPINUP_CONNECTION_CLOSED' })
    const after = await api.session.get('/instance')
    expect(await after.json()).toEqual({ instance: `instance-${previous + 1}` })
    expect(api.session.stats()).toMatchObject({ retried: 0 })
  })
})
