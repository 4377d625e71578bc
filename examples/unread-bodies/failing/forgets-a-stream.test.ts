import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'
import { app } from '../src/app.js'

const api = useServer(app)

test('forgets to read a streamed report', async () => {
  const report = await api.session.stream('/report') // forgotten
  expect(report.status).toBe(200)
  // ...and never reads or disposes report.body: the socket stays busy after the test.
})
