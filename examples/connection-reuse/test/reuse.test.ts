/**
 * A session keeps its connections alive and reuses them: 100 sequential requests travel over one TCP
 * connection. `toHaveOpenedSocketsInTotal(n)` asserts it from the client's side; the server's own view (the
 * client port each request arrived from) confirms it independently.
 */
import type { Session } from '@spinup/client'
import { useServer } from '@spinup/fixtures'
import { failureOf } from '@spinup/test-support'
import { expect, test } from 'vitest'
import { app } from '../src/app.js'

const api = useServer(app)

/** The client ports the server saw, one per request. */
async function clientPortOf(session: Session): Promise<number> {
  return ((await (await session.get('/')).json()) as { clientPort: number }).clientPort
}

test('100 sequential requests share one connection', async () => {
  const ports = new Set<number>()
  for (let i = 0; i < 100; i++) ports.add(await clientPortOf(api.session))

  expect(api.session).toHaveOpenedSocketsInTotal(1)
  expect(api.session.stats()).toMatchObject({ requests: 100, reused: 99, opened: 1 })
  // The server agrees: every request came from one client port, over one connection that carried 100.
  expect(ports.size).toBe(1)
  expect(api.connections().list.map((c) => c.requests)).toEqual([100])
})

test('against a fresh connection per request: 100 connections for 100 requests', async () => {
  const ports = new Set<number>()
  for (let i = 0; i < 100; i++) {
    ports.add(await clientPortOf(api.session))
    await api.session.closeAllConnections() // what a client without a keep-alive pool does every time
  }

  expect(api.session).toHaveOpenedSocketsInTotal(100)
  expect(api.session.stats()).toMatchObject({ requests: 100, reused: 0 })
  expect(ports.size).toBe(100)
})

test('10 concurrent requests need 10 connections; the next 10 sequential ones reuse them', async () => {
  const concurrent = await Promise.all(Array.from({ length: 10 }, () => clientPortOf(api.session)))
  expect(new Set(concurrent).size).toBe(10)
  for (let i = 0; i < 10; i++) expect(concurrent).toContain(await clientPortOf(api.session))

  expect(api.session).toHaveOpenedSocketsInTotal(10)
  expect(api.session).toHaveIdleSockets(10)
})

test('when reuse breaks, the failure says how many connections were opened, and what that means', async () => {
  await clientPortOf(api.session)
  await api.session.closeAllConnections()
  await clientPortOf(api.session)

  const message = failureOf(() => expect(api.session).toHaveOpenedSocketsInTotal(1))
  expect(message).toContain('expect(session).toHaveOpenedSocketsInTotal(1)')
  expect(message).toContain('Expected the session to have opened 1 socket in total, but it opened 2.')
  expect(message).toContain('2 requests: 0 on a reused socket, 0 retried.')
  expect(message).toMatch(/Hint: .*sequential, awaited requests share one/s)
})
