// Project "web" (pool: forks): matchers registered and run-wide defaults applied by the root's spinup().
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'

const api = useServer((_req, res) => {
  res.write('x'.repeat(64 * 1024))
  res.end()
})

test('a body left unread is a warning under spinup({ leaks: "warn" }), counted in the summary', async () => {
  await api.session.stream('/')
  expect(api.session).toHaveActiveSockets(1)
})

test('a buffered request leaves its socket idle', async () => {
  await api.session.get('/')
  expect(api.session).toHaveIdleSockets(1)
})
