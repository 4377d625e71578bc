import { renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { useServer } from '@spinup/fixtures'
import { test } from 'vitest'

const api = useServer({ command: fileURLToPath(new URL('../servers/slow-api.mjs', import.meta.url)) })

test('starts a server process, then hangs until the run is interrupted', async () => {
  // Tell the parent test which process to watch (written aside and renamed into place, so the parent never
  // reads it half-written), then wait forever.
  const file = process.env.SPINUP_CHILD_INFO!
  writeFileSync(`${file}.partial`, JSON.stringify({ pid: api.server.pid, port: api.port }))
  renameSync(`${file}.partial`, file)
  await new Promise(() => {})
})
