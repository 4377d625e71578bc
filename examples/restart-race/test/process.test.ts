/**
 * The same race with the API as a separate process: 50 tests, each spawning a fresh server process on the
 * same fixed port. spinup passes the port in `PORT`, waits until the process itself listens on it (not a
 * previous one that is still going away), and after each test stops it with SIGTERM to its process group,
 * resolving once the process is gone and the port can be bound again.
 */
import { fileURLToPath } from 'node:url'
import { reservePort, useServer } from '@spinup/fixtures'
import { afterAll, describe, expect, test } from 'vitest'

// Reserved for this file, so another run of the suite never starts its servers on it between two of ours.
const reservation = await reservePort({ from: 24120, to: 24139 })
afterAll(() => reservation.release())
const PORT = reservation.port
const serverFile = fileURLToPath(new URL('../servers/api-server.mjs', import.meta.url))
const pids = new Set<number>()

describe(`50 tests, each with a fresh API server process on port ${PORT}`, () => {
  // A .mjs file runs with the current node; `ready` defaults to a TCP connect to the port.
  const api = useServer({ command: serverFile }, { port: PORT })

  test.for(Array.from({ length: 50 }, (_, i) => i + 1))(
    'test %i is answered by the process started for it',
    async () => {
      const pid = api.server.pid!
      expect(pids.has(pid)).toBe(false) // a new process every test
      pids.add(pid)
      const res = await api.session.get('/instance')
      expect(await res.json()).toEqual({ instance: `pid-${pid}` })
      expect((await api.session.get('/users')).status).toBe(200)
      expect(api.session).toHaveOpenedSocketsInTotal(1)
    },
  )
})

test('every process of the previous tests is gone', () => {
  expect(pids.size).toBe(50)
  const alive = [...pids].filter((pid) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  })
  expect(alive).toEqual([])
})
