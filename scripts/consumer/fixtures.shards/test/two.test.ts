import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'

const api = useServer((_req, res) => res.end('two'))

test('shard file "two" talks to its server over one connection', async () => {
  expect(await (await api.session.get('/')).text()).toBe('two')
  expect(api.session).toHaveOpenedSocketsInTotal(1)
})
