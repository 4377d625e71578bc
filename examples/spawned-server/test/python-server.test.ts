/**
 * A server that is not Node at all: a small Python HTTP/1.1 server (server/api_server.py), started per
 * test as a process. spinup picks a free port and passes it (PORT, or `{port}` in the arguments), waits
 * until the server is ready, and after the test stops it with SIGTERM and waits until it is gone and its
 * port is free. The session talks to it like to any server.
 */
import { fileURLToPath } from 'node:url'
import { isProcessRunning, portIsFree, startServer, useServer } from '@spinup/fixtures'
import { describe, expect, test } from 'vitest'

const script = fileURLToPath(new URL('../server/api_server.py', import.meta.url))

describe('ready when GET /health answers 200', () => {
  const api = useServer({ command: 'python3', args: [script], ready: { path: '/health', status: 200 } })
  const pids: number[] = []

  test('answers from the process started for this test', async () => {
    const res = await api.session.get('/instance')
    expect(await res.json()).toEqual({ pid: api.server.pid })
    pids.push(api.server.pid!)
  })

  test('a fresh process for the next test; the previous one is gone', async () => {
    expect(api.server.pid).not.toBe(pids[0])
    expect(isProcessRunning(pids[0]!)).toBe(false)
    const res = await api.session.post('/echo', { json: { hello: 'python' } })
    expect(await res.json()).toEqual({ received: { hello: 'python' } })
  })

  test('keep-alive works with a server in another language: 20 requests, one connection', async () => {
    for (let i = 0; i < 20; i++) expect((await api.session.get('/users')).status).toBe(200)
    expect(api.session).toHaveOpenedSocketsInTotal(1)
    // The OS, from the server's side of the port, sees that one connection too.
    expect(api.connections().open).toBe(1)
  })

  test('a clean stop: SIGTERM, the process exits by itself, the port is free at once', async () => {
    const { pid, port } = api.server
    await api.session.get('/health') // a pooled connection the stop has to deal with
    const report = await api.stop()
    expect(report.destroyedConnections).toBe(0) // it exited within the grace period: no SIGKILL needed
    expect(isProcessRunning(pid!)).toBe(false)
    expect(await portIsFree(port)).toBe(true)
  })
})

describe('ready when a line of its output matches, port passed as an argument', () => {
  const api = useServer({ command: 'python3', args: [script, '--port', '{port}'], ready: /^listening on / })

  test('the first request of the test finds it listening', async () => {
    expect((await api.session.get('/health')).status).toBe(200)
  })
})

test('a server that cannot start: the error names the command, the port, the exit code and its stderr', async () => {
  const error = await startServer({ command: 'python3', args: [script, '--crash'] }).catch((e: unknown) => e)
  expect(error).toMatchObject({ code: 'SPINUP_PROCESS_EXITED', exitCode: 3 })
  const message = (error as Error).message
  expect(message).toContain('the server process exited before it was ready')
  expect(message).toContain(`command: python3 ${script} --crash`)
  expect(message).toMatch(/port: \d+/)
  expect(message).toContain('exit: code 3')
  expect(message).toContain('fatal: cannot open database at ./missing.db')
})
