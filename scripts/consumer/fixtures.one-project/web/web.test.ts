// A project without spinup(): useServer() works on its own, and its counts reach the run's summary.
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'

const api = useServer((_req, res) => res.end('ok'))

test('useServer() needs no plugin', async () => {
  expect((await api.session.get('/')).status).toBe(200)
  expect(api.session.stats().opened).toBe(1)
})
