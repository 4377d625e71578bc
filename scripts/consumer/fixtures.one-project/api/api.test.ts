// The project whose config has spinup(): its matchers are registered.
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'

const api = useServer((_req, res) => res.end('ok'))

test('two requests, one connection', async () => {
  await api.session.get('/')
  await api.session.get('/')
  expect(api.session).toHaveOpenedSocketsInTotal(1)
})
