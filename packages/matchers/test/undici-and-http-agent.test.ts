import { once } from 'node:events'
import http from 'node:http'
import { osSockets } from '@spinup/client/os'
import { failureOf, startTestServer, type TestServer } from '@spinup/test-support'
import { Agent, Client, Pool, request } from 'undici'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { normalize } from './support/normalize.js'
import { routes } from './support/routes.js'

let api: TestServer
let other: TestServer

beforeEach(async () => {
  ;[api, other] = await Promise.all([startTestServer(routes), startTestServer(routes)])
})
afterEach(async () => {
  await Promise.all([api.close(), other.close()])
})

const ports = () => ({ api: api.port, other: other.port })

describe('an undici Agent, through its per-origin stats', () => {
  let agent: Agent
  beforeEach(() => {
    agent = new Agent()
  })
  afterEach(async () => {
    await agent.destroy()
  })

  test('counts open, idle and active connections per origin, with no attribution', async () => {
    expect(agent).toHaveOpenSockets(0)
    const read = await request(`${api.url}/hello`, { dispatcher: agent })
    await read.body.text()
    const unread = await request(`${other.url}/stream`, { dispatcher: agent })
    expect(agent).toHaveOpenSockets(2)
    expect(agent).toHaveIdleSockets(1)
    expect(agent).toHaveActiveSockets(1)
    expect(agent).toHaveActiveSockets(1, { origin: other.url })
    expect(agent).toHaveOpenSockets(0, { origin: api.url, state: 'active' })
    // The OS sees the same two connections.
    expect(osSockets({ remotePort: api.port }).length + osSockets({ remotePort: other.port }).length).toBe(2)

    const message = failureOf(() => expect(agent).toHaveOpenSockets(0))
    expect(normalize(message, ports())).toMatchInlineSnapshot(`
      "expect(agent).toHaveOpenSockets(0)

      Expected 0 open sockets, found 2:
        http://127.0.0.1:<api>  1 connection open: 0 active, 1 idle
        http://127.0.0.1:<other>  1 connection open: 1 active, 0 idle

      Note: undici's stats count connections per origin; they cannot say which socket a request holds or
            which line of the test made it. A spinup Session can: send the requests through
            new Session({ baseUrl }), or pass session.dispatcher where your code takes an undici
            dispatcher.

      Hint: 1 connection is busy with a request; a response body that is never read keeps its connection:
            read it (await body.text()) or discard it (await body.dump()).

      Hint: 1 idle connection is kept alive for reuse: await agent.close() closes it (and the agent)."
    `)
    unread.body.destroy()
  })

  test('.not, and a filter that leaves sockets out', async () => {
    const read = await request(`${api.url}/hello`, { dispatcher: agent })
    await read.body.text()
    expect(agent).not.toHaveActiveSockets(1)
    const message = failureOf(() => expect(agent).toHaveIdleSockets(1, { origin: other.url }))
    expect(normalize(message, ports())).toMatchInlineSnapshot(`
      "expect(agent).toHaveIdleSockets(1, { origin: 'http://127.0.0.1:<other>' })

      Expected 1 idle socket to http://127.0.0.1:<other>, found none.

      Not counted: 1 other open socket, not idle or to another origin:
        http://127.0.0.1:<api>  1 connection open: 0 active, 1 idle

      Note: undici's stats count connections per origin; they cannot say which socket a request holds or
            which line of the test made it. A spinup Session can: send the requests through
            new Session({ baseUrl }), or pass session.dispatcher where your code takes an undici
            dispatcher."
    `)
  })
})

describe('an undici Pool and Client, through their stats', () => {
  test('a Pool with a body left unread', async () => {
    const pool = new Pool(api.url)
    try {
      // A body left unread: pool.destroy() below takes its connection down.
      await pool.request({ path: '/stream', method: 'GET' })
      expect(pool).toHaveOpenSockets(1)
      expect(pool).toHaveActiveSockets(1)
      expect(pool).toHaveOpenSockets(1, { origin: api.url })
      expect(pool).toHaveOpenSockets(0, { origin: other.url })
      const message = failureOf(() => expect(pool).toHaveActiveSockets(0))
      expect(normalize(message, ports())).toMatchInlineSnapshot(`
        "expect(pool).toHaveActiveSockets(0)

        Expected 0 active sockets, found 1:
          http://127.0.0.1:<api>  1 connection open: 1 active, 0 idle

        Note: undici's stats count connections per origin; they cannot say which socket a request holds or
              which line of the test made it. A spinup Session can: send the requests through
              new Session({ baseUrl }), or pass session.dispatcher where your code takes an undici
              dispatcher.

        Hint: 1 connection is busy with a request; a response body that is never read keeps its connection:
              read it (await body.text()) or discard it (await body.dump())."
      `)
    } finally {
      await pool.destroy()
    }
    expect(pool).toHaveOpenSockets(0)
    expect(osSockets({ remotePort: api.port })).toEqual([])
  })

  test('a Client: one connection, connected or not', async () => {
    const client = new Client(api.url)
    try {
      expect(client).toHaveOpenSockets(0)
      const res = await client.request({ path: '/hello', method: 'GET' })
      await res.body.text()
      expect(client).toHaveIdleSockets(1)
      const message = failureOf(() => expect(client).toHaveOpenSockets(0))
      expect(normalize(message, ports())).toMatchInlineSnapshot(`
        "expect(client).toHaveOpenSockets(0)

        Expected 0 open sockets, found 1:
          http://127.0.0.1:<api>  1 connection open: 0 active, 1 idle

        Note: undici's stats count connections per origin; they cannot say which socket a request holds or
              which line of the test made it. A spinup Session can: send the requests through
              new Session({ baseUrl }), or pass session.dispatcher where your code takes an undici
              dispatcher.

        Hint: 1 idle connection is kept alive for reuse: await client.close() closes it (and the client)."
      `)
    } finally {
      await client.destroy()
    }
    expect(client).toHaveOpenSockets(0)
  })
})

describe('a node:http Agent, through sockets and freeSockets', () => {
  let agent: http.Agent
  beforeEach(() => {
    agent = new http.Agent({ keepAlive: true })
  })
  afterEach(() => {
    agent.destroy()
  })

  function get(url: string): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => http.get(url, { agent }, resolve).on('error', reject))
  }

  test('in-use and free sockets, each listed by address, with no attribution', async () => {
    const read = await get(`${api.url}/hello`)
    read.resume()
    // The socket goes back to freeSockets on the response's 'end', a tick after the body is read.
    await once(agent, 'free')
    const unread = await get(`${other.url}/stream`)
    expect(agent).toHaveOpenSockets(2)
    expect(agent).toHaveIdleSockets(1)
    expect(agent).toHaveIdleSockets(1, { origin: api.url })
    expect(agent).toHaveActiveSockets(1, { origin: `${other.url}/` })
    expect(agent).toHaveActiveSockets(0, { origin: api.url })
    // Another scheme is another origin, even on the same host and port.
    expect(agent).toHaveOpenSockets(0, { origin: `https://127.0.0.1:${api.port}` })

    const message = failureOf(() => expect(agent).toHaveOpenSockets(0))
    expect(normalize(message, ports())).toMatchInlineSnapshot(`
      "expect(agent).toHaveOpenSockets(0)

      Expected 0 open sockets, found 2:
        active 127.0.0.1:<port> → 127.0.0.1:<other>
           GET /stream
        idle   127.0.0.1:<port> → 127.0.0.1:<api>

      Note: A node:http Agent keeps no record of when a socket opened or which line of the test made its
            request. A spinup Session does: send the requests through new Session({ baseUrl }).

      Hint: 1 socket is in use; a response whose body is never read keeps its socket: read it, or drain it
            with res.resume().

      Hint: 1 idle socket is kept alive for reuse: agent.destroy() closes it."
    `)
    unread.destroy()
  })

  test('agent.destroy() brings the count to 0', async () => {
    const read = await get(`${api.url}/hello`)
    read.resume()
    await once(agent, 'free')
    expect(agent).toHaveOpenSockets(1)
    agent.destroy()
    expect(agent).toHaveOpenSockets(0)
  })
})
