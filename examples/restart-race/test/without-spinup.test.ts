/**
 * What spinup prevents, kept honest: the same API on one fixed port, a fresh instance per test, tested the
 * way many suites are written. One pooled client for the file (an undici Agent), and a teardown that calls
 * `server.close()`: it stops listening and lets requests in flight finish, as a graceful stop should. But the
 * connection that carried such a request stays open after its answer, in the client's pool, still served by
 * the old instance. The next test's first request goes down that connection and is answered by the previous
 * instance, silently: a 200 from the wrong server.
 *
 * The tests here record who answered; the last one asserts that previous instances did. If a Node or undici
 * release ever closes such connections, that assertion fails, and this example must be rewritten.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { reservePort } from '@spinup/fixtures'
import { Agent, request } from 'undici'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { answerLongPolls, createApi, nextLongPoll } from '../src/api.js'

// The port is spinup's only part here, so that another run of this suite never takes it between two
// tests; the client and the teardown are the plain kind this file is about.
const reservation = await reservePort({ from: 24140, to: 24159 })
const PORT = reservation.port
const TESTS = 20

const agent = new Agent() // one pooled keep-alive client for the whole file
let server: Server
let instance = 0
const leftovers = new Set<Socket>() // what the old instances still hold, destroyed in afterAll
const answers: { expected: string; answeredBy: string }[] = []

beforeEach(async () => {
  instance++
  server = createServer(createApi(`instance-${instance}`))
  server.on('connection', (socket: Socket) => {
    leftovers.add(socket)
    socket.once('close', () => leftovers.delete(socket))
  })
  server.listen(PORT, '127.0.0.1')
  await once(server, 'listening')
})

afterEach(async () => {
  // The usual teardown: stop listening (not awaited: its callback waits for keep-alive connections), and
  // answer what is still in flight.
  server.close()
  answerLongPolls()
  await longPoll
})

afterAll(async () => {
  await agent.close()
  for (const socket of leftovers) socket.destroy()
  await reservation.release()
})

let longPoll: Promise<unknown> = Promise.resolve()

describe(`a plain pooled client, a fresh server per test on port ${PORT}, no cleanup of connections`, () => {
  test.for(Array.from({ length: TESTS }, (_, i) => i + 1))('test %i', async () => {
    // The test subscribes to events (a long poll, still open when the test ends), then calls the API.
    const arrived = nextLongPoll()
    longPoll = request(`http://127.0.0.1:${PORT}/events`, { dispatcher: agent }).then((r) => r.body.text())
    await arrived

    const res = await request(`http://127.0.0.1:${PORT}/instance`, { dispatcher: agent })
    const body = (await res.body.json()) as { instance: string }
    answers.push({ expected: `instance-${instance}`, answeredBy: body.instance })
    expect(res.statusCode).toBe(200) // every request "succeeds"
  })

  test('the previous instance answered every test after the first', () => {
    expect(answers).toHaveLength(TESTS)
    const number = (name: string) => Number(name.replace('instance-', ''))
    // Test 1 meets its own instance; every later one is answered by an instance stopped before it started,
    // over a connection that instance kept after answering the long poll.
    expect(answers[0]).toEqual({ expected: 'instance-1', answeredBy: 'instance-1' })
    const fromPrevious = answers.filter((a) => number(a.answeredBy) < number(a.expected))
    expect(fromPrevious).toHaveLength(TESTS - 1)
  })
})
