// Run by vitest in the consumer project, with `@spinup/matchers/setup` as its setup file (vitest.config.ts).
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Session } from '@spinup/client'
import { expect, test } from 'vitest'

test('toHaveOpenSockets counts a pooled socket', async () => {
  const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1')
  await once(server, 'listening')
  const session = new Session({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  try {
    await session.get('/')
    expect(session).toHaveOpenSockets(1)
    await session.closeAllConnections()
    expect(session).toHaveOpenSockets(0)
  } finally {
    await session.close()
    server.closeAllConnections()
    server.close()
  }
})
