/**
 * `stream()` is the opt-in for bodies a test wants to read piece by piece. Its socket stays busy until the
 * body is read or disposed, and spinup says so: `toHaveActiveSockets(0)` and `toHaveOpenSockets(0)` fail,
 * naming the request and the line that made it, and the leak guard of `useServer()` fails a test that ends
 * with one still unread.
 */
import { fileURLToPath } from 'node:url'
import { useServer } from '@spinup/fixtures'
import { childRunTestTimeout, failureOf, lineOf, runVitest } from '@spinup/test-support'
import { describe, expect, test } from 'vitest'
import { app, BIG } from '../src/app.js'

const api = useServer(app)

describe('a streamed body left unread', () => {
  test('toHaveActiveSockets(0) fails, naming the request and the line that made it', async () => {
    const report = await api.session.stream('/report') // unread-stream
    const message = failureOf(() => expect(api.session).toHaveActiveSockets(0))

    expect(message).toContain('expect(session).toHaveActiveSockets(0)')
    expect(message).toContain('Expected 0 active sockets, found 1:')
    expect(message).toContain(`GET ${api.origin}/report`)
    expect(message).toContain(
      `test/streamed.test.ts:${lineOf(new URL(import.meta.url), '// unread-stream')}:`,
    )
    expect(message).toMatch(/Hint: .*(read|dispose)/s)

    // toHaveOpenSockets counts idle and active sockets alike, and names the same culprit.
    const open = failureOf(() => expect(api.session).toHaveOpenSockets(0))
    expect(open).toContain('Expected 0 open sockets, found 1:')
    expect(open).toContain(`GET ${api.origin}/report`)
    expect(open).toContain('body not read to the end')

    // Reading it (or disposing it) hands the socket back.
    expect(await report.bytes()).toHaveLength(BIG)
    expect(api.session).toHaveActiveSockets(0)
  })

  test('dispose() (or leaving an `await using` block) frees it without reading', async () => {
    {
      await using report = await api.session.stream('/report')
      expect(report.status).toBe(200)
      expect(api.session).toHaveActiveSockets(1)
    }
    expect(api.session).toHaveActiveSockets(0)
    expect(api.session).toHaveOpenSockets(0) // an unread body is destroyed with its connection
  })

  test('the leak guard fails the test that leaves one unread, and says where', {
    timeout: childRunTestTimeout(),
  }, async () => {
    // failing/ holds a test that forgets its stream; run it as you would, in its own vitest.
    const run = await runVitest({ root: fileURLToPath(new URL('../failing/', import.meta.url)) })
    expect(run.code, run.output).toBe(1)
    const failures = run.results
    expect(failures.map((t) => [t.title, t.status])).toEqual([
      ['forgets to read a streamed report', 'failed'],
    ])
    const message = failures[0]!.failureMessages.join('\n')
    expect(message).toContain('LeakError')
    expect(message).toMatch(/1 socket of http:\/\/127\.0\.0\.1:\d+ still active at the end of the test/)
    expect(message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/report/)
    const line = lineOf(new URL('../failing/forgets-a-stream.test.ts', import.meta.url), '// forgotten')
    expect(message).toContain(`forgets-a-stream.test.ts:${line}:`)
    expect(message).toContain('read or dispose streamed bodies')
  })
})
