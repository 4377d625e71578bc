import { once } from 'node:events'
import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'
import { describe, expect, test } from 'vitest'
import { Session } from '../src/index.js'

/**
 * An API server instance that says who it is. Stopping it stops listening but leaves its keep-alive
 * connections open, as Node's `server.close()` does for a connection with a request in flight (and as
 * servers that do not track their connections always do): the worst case, where a reused pooled socket
 * silently reaches the *previous* instance.
 */
async function startInstance(id: number, port: number) {
  const sockets = new Set<Socket>()
  const server = http.createServer((_req, res) => res.end(String(id)))
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    // net.Server's close, not http.Server's: the latter would also close idle keep-alive connections.
    // It frees the port at once; its callback would wait for the connections we mean to keep.
    stopListening() {
      net.Server.prototype.close.call(server)
      expect(server.listening).toBe(false)
    },
    /** Closes what the instance still holds (what a test teardown does at the very end). */
    async destroy() {
      const closed = [...sockets].map((s) => once(s, 'close'))
      for (const s of sockets) s.destroy()
      await Promise.all(closed)
    },
  }
}

describe('a server restarted on the same port gets a fresh connection', () => {
  test('300 restarts with closeAllConnections() between instances: 0 errors, 0 answers from a previous instance', async () => {
    const session = new Session()
    let port = 0
    const leftovers: Awaited<ReturnType<typeof startInstance>>[] = []
    const answers: string[] = []
    let errors = 0
    try {
      for (let id = 0; id < 300; id++) {
        const instance = await startInstance(id, port)
        port = instance.port
        try {
          answers.push(await (await session.get(`http://127.0.0.1:${port}/who`)).text())
        } catch {
          errors++
        }
        // Keep the old instance's connection alive on the server side, as a server stopped mid-request does.
        instance.stopListening()
        leftovers.push(instance)
        await session.closeAllConnections()
      }
    } finally {
      await session.close()
      await Promise.all(leftovers.map((i) => i.destroy()))
    }
    expect(errors).toBe(0)
    expect(answers.filter((answer, id) => answer !== String(id))).toEqual([])
    expect(session.stats()).toMatchObject({ opened: 300, reused: 0, retried: 0 })
  })

  test('without closeAllConnections() the previous instance answers: what spinup prevents', async () => {
    const session = new Session()
    let port = 0
    const leftovers: Awaited<ReturnType<typeof startInstance>>[] = []
    let fromPrevious = 0
    try {
      for (let id = 0; id < 20; id++) {
        const instance = await startInstance(id, port)
        port = instance.port
        const answer = await (await session.get(`http://127.0.0.1:${port}/who`)).text()
        if (answer !== String(id)) fromPrevious++
        instance.stopListening()
        leftovers.push(instance)
      }
    } finally {
      await session.close()
      await Promise.all(leftovers.map((i) => i.destroy()))
    }
    // Every request after the first reused the pooled socket of instance 0.
    expect(fromPrevious).toBe(19)
  })
})
