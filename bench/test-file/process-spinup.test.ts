/** The same process-server file with spinup: useServer with a process spec, the default tcp readiness. */
import { fileURLToPath } from 'node:url'
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'
import { processTestCount, timeTheFile } from './shape.js'

const script = fileURLToPath(new URL('../servers/hello-server.mjs', import.meta.url))
timeTheFile()
const api = useServer({ command: process.execPath, args: [script] })

for (let i = 0; i < processTestCount; i++) {
  test(`server process, case ${i}`, async () => {
    for (const [method, path] of [
      ['GET', '/users/1'],
      ['POST', '/users'],
      ['GET', '/users'],
    ] as const) {
      const res = await api.session.request(method, path, method === 'POST' ? { json: { name: 'x' } } : {})
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ ok: true })
    }
  })
}
