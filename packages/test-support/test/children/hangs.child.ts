import { spawn } from 'node:child_process'
import { renameSync, writeFileSync } from 'node:fs'
import { test } from 'vitest'

// Starts a grandchild in the run's process group (not detached), says who is who, then never ends.
test('hangs with a grandchild', async () => {
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  const info = { workerPid: process.pid, grandchildPid: grandchild.pid }
  const file = process.env.SPINUP_CHILD_INFO!
  writeFileSync(`${file}.partial`, JSON.stringify(info))
  renameSync(`${file}.partial`, file)
  await new Promise(() => {})
})
