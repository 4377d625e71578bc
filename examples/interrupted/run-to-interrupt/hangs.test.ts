import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { useServer } from '@spinup/fixtures'
import { test } from 'vitest'

const api = useServer({ command: fileURLToPath(new URL('../servers/slow-api.mjs', import.meta.url)) })

test('starts a server process, then hangs until the run is interrupted', async () => {
  // Tell the parent test which process to watch, then wait forever.
  writeFileSync(process.env.STATE_FILE!, JSON.stringify({ pid: api.server.pid, port: api.port }))
  await new Promise(() => {})
})
