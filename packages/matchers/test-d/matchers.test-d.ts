// Compiled by `pnpm typecheck` (tsc -p test-d), never run: the matchers type-check once the setup entry is
// part of the program, and wrong uses are type errors. Each @ts-expect-error fails the build if the line
// below it ever type-checks.
import type { Session } from '@spinup/client'
import { expect } from 'vitest'
import type {} from '../src/setup.js'

declare const session: Session
declare const api: { origin: string; connections(): { list: [] } }

export async function rightUses(): Promise<void> {
  expect(session).toHaveOpenSockets(0)
  expect(session).toHaveOpenSockets(1, { origin: 'http://127.0.0.1:3000' })
  expect(session).toHaveOpenSockets(1, { origin: new URL('http://127.0.0.1:3000'), state: 'idle' })
  expect(session).toHaveOpenSockets(1, { state: 'active' })
  expect(session).toHaveIdleSockets(1)
  expect(session).toHaveIdleSockets(1, { origin: api.origin })
  expect(session).toHaveActiveSockets(0, { origin: api.origin })
  expect(session).toHaveOpenedSocketsInTotal(1)
  expect(api).toHaveOpenConnections(0)
  expect(session).not.toHaveOpenSockets(2)
  expect.soft(session).toHaveActiveSockets(0)
  await expect.poll(() => api).toHaveOpenConnections(0)
  await expect.poll(() => session, { timeout: 1_000 }).not.toHaveIdleSockets(3)
}

export function wrongUses(): void {
  // @ts-expect-error the count is a number, not a string
  expect(session).toHaveOpenSockets('0')
  // @ts-expect-error the count is required
  expect(session).toHaveOpenSockets()
  // @ts-expect-error a state is 'idle' or 'active'
  expect(session).toHaveOpenSockets(0, { state: 'closed' })
  // @ts-expect-error an unknown filter key
  expect(session).toHaveOpenSockets(0, { host: '127.0.0.1' })
  // @ts-expect-error the origin is a string or a URL
  expect(session).toHaveOpenSockets(0, { origin: 3000 })
  // @ts-expect-error toHaveIdleSockets fixes the state itself
  expect(session).toHaveIdleSockets(0, { state: 'idle' })
  // @ts-expect-error toHaveActiveSockets fixes the state itself
  expect(session).toHaveActiveSockets(0, { state: 'active' })
  // @ts-expect-error toHaveOpenedSocketsInTotal takes no filter
  expect(session).toHaveOpenedSocketsInTotal(1, { origin: 'http://127.0.0.1:3000' })
  // @ts-expect-error toHaveOpenConnections takes a count
  expect(api).toHaveOpenConnections()
  // @ts-expect-error a misspelt matcher does not exist
  expect(session).toHaveOpenSocket(0)
}
