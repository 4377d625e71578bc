// Run by vitest in the consumer project (setup: '@spinup/matchers/setup'): the matchers on a real
// useServer() handle from the packed @spinup/fixtures, the target the matchers recognise only by shape.
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'

const api = useServer((req, res) => {
  if (req.url === '/stream') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    res.write(Buffer.alloc(64 * 1024, 'x'))
    return
  }
  res.end('ok')
})

function failureOf(assertion: () => void): string {
  try {
    assertion()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the assertion passed, but this test expected it to fail')
}

test('the server side of a useServer() handle, and a close that reaches it a moment later', async () => {
  expect(api).toHaveOpenConnections(0)
  await api.session.get('/')
  expect(api).toHaveOpenConnections(1)
  expect(api.session).toHaveIdleSockets(1)
  expect(api.session).toHaveOpenedSocketsInTotal(1)
  await api.session.closeAllConnections()
  expect(api.session).toHaveOpenSockets(0)
  await expect.poll(() => api, { timeout: 2_000, interval: 5 }).toHaveOpenConnections(0)
})

test('a streamed body left unread: both sides name the request and the line of this test', async () => {
  const res = await api.session.stream('/stream')
  const client = failureOf(() => expect(api.session).toHaveActiveSockets(0))
  expect(client).toContain(`GET ${api.origin}/stream`)
  expect(client).toMatch(/made at .*use-server\.test\.ts:\d+:\d+/)
  expect(client).toContain('Hint: 1 socket is held by a response whose body was never read to the end.')
  const server = failureOf(() => expect(api).toHaveOpenConnections(0))
  expect(server).toContain('GET /stream  in flight for ')
  expect(server).toContain('its client socket, in api.session:')
  expect(server).toMatch(/made at .*use-server\.test\.ts:\d+:\d+/)
  await res.dispose()
  expect(api.session).toHaveOpenSockets(0)
})
