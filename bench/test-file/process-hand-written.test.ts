/**
 * The process-server baseline by hand: spawn node on port 0, wait for the line that says it listens, an
 * undici Client, then close the client, SIGTERM the process and wait for its exit. No port checks, no
 * process-group handling, nothing that survives a crash of the runner.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Client } from 'undici'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { processTestCount, timeTheFile } from './shape.js'

const script = fileURLToPath(new URL('../servers/hello-server.mjs', import.meta.url))
timeTheFile()
let child: ChildProcess
let client: Client

beforeEach(async () => {
  child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    child.once('exit', (code) => reject(new Error(`server exited before listening (code ${code})`)))
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const match = /^listening (\d+) /m.exec(output)
      if (match) resolve(Number(match[1]))
    })
  })
  client = new Client(`http://127.0.0.1:${port}`)
})

afterEach(async () => {
  await client.close()
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
})

for (let i = 0; i < processTestCount; i++) {
  test(`server process, case ${i}`, async () => {
    for (const [method, path] of [
      ['GET', '/users/1'],
      ['POST', '/users'],
      ['GET', '/users'],
    ] as const) {
      const res = await client.request({ method, path, body: method === 'POST' ? '{"name":"x"}' : null })
      expect(res.statusCode).toBe(200)
      expect(await res.body.json()).toMatchObject({ ok: true })
    }
  })
}
