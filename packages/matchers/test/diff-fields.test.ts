// The real useServer() handle (see server-connections.test.ts for why fixtures comes from the root).
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'
import { routes } from './support/routes.js'

const api = useServer(routes)

/** The error a failing assertion throws: vitest's diff and IDEs read its `actual` and `expected`. */
function errorOf(assertion: () => unknown): { actual?: unknown; expected?: unknown } {
  try {
    assertion()
  } catch (error) {
    return error as { actual?: unknown; expected?: unknown }
  }
  throw new Error('the assertion passed, but this test expected it to fail')
}

test('a failed socket count carries both counts, so vitest can show them side by side', async () => {
  await api.session.get('/hello')
  expect(errorOf(() => expect(api.session).toHaveOpenSockets(3))).toMatchObject({ actual: 1, expected: 3 })
  expect(errorOf(() => expect(api.session).toHaveIdleSockets(0))).toMatchObject({ actual: 1, expected: 0 })
  expect(errorOf(() => expect(api.session).toHaveActiveSockets(2))).toMatchObject({ actual: 0, expected: 2 })
  expect(errorOf(() => expect(api.session).toHaveOpenedSocketsInTotal(5))).toMatchObject({
    actual: 1,
    expected: 5,
  })
})

test('a failed connection count carries the server-side count and the expected one', async () => {
  await api.session.get('/hello')
  expect(errorOf(() => expect(api).toHaveOpenConnections(4))).toMatchObject({ actual: 1, expected: 4 })
})

test('a failed status or header check carries both values', async () => {
  const res = await api.session.get('/hello')
  expect(errorOf(() => expect(res).toHaveStatus(404))).toMatchObject({ actual: 200, expected: 404 })
  expect(errorOf(() => expect(res).toHaveHeader('content-type', 'text/html'))).toMatchObject({
    actual: 'text/plain',
    expected: 'text/html',
  })
})
