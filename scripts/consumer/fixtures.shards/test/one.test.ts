import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'

const api = useServer((_req, res) => res.end('one'))

test('shard file "one" talks to its server over one connection', async () => {
  expect(await (await api.session.get('/')).text()).toBe('one')
  expect(api.session).toHaveOpenedSocketsInTotal(1)
})
