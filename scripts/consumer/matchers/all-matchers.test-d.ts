// Typechecked only (never run), in the consumer project that installed the packed tarballs: every matcher
// of @spinup/matchers, on the targets users have, through the one-line setup entry; wrong uses are errors.
import type { Agent } from 'node:http'
import type { Session } from '@spinup/client'
import type { useServer } from '@spinup/fixtures'
import type {} from '@spinup/matchers/setup'
import { expect } from 'vitest'

declare const session: Session
declare const api: ReturnType<typeof useServer>
declare const agent: Agent

export async function rightUses(): Promise<void> {
  expect(session).toHaveOpenSockets(0)
  expect(session).toHaveOpenSockets(1, { origin: api.url, state: 'idle' })
  expect(session).toHaveOpenSockets(1, { origin: new URL(api.origin) })
  expect(session).toHaveIdleSockets(1, { origin: api.origin })
  expect(session).toHaveActiveSockets(0)
  expect(session).toHaveOpenedSocketsInTotal(1)
  expect(api).toHaveOpenConnections(0)
  expect(api.session).not.toHaveActiveSockets(1)
  expect(agent).toHaveOpenSockets(0)
  await expect.poll(() => api).toHaveOpenConnections(0)
  await expect.poll(() => session, { timeout: 1_000 }).toHaveOpenSockets(0)
}

export function wrongUses(): void {
  // @ts-expect-error the count is a number
  expect(session).toHaveOpenSockets('1')
  // @ts-expect-error a state is 'idle' or 'active'
  expect(session).toHaveOpenSockets(0, { state: 'open' })
  // @ts-expect-error toHaveIdleSockets chooses the state itself
  expect(session).toHaveIdleSockets(0, { state: 'active' })
  // @ts-expect-error toHaveOpenedSocketsInTotal takes only a count
  expect(session).toHaveOpenedSocketsInTotal(1, { origin: api.url })
  // @ts-expect-error toHaveOpenConnections needs the count
  expect(api).toHaveOpenConnections()
}
