import type { Socket } from 'node:net'
import { Session } from '@spinup/client'
import { type Handler, startHttpServer, type TestServer } from './http-server.js'

interface Connection {
  remoteAddress: string
  remotePort: number
  openedAt: number
  requests: number
  current: { method: string; url: string; startedAt: number } | undefined
}

/**
 * A stand-in for a @spinup/fixtures `useServer()` handle with the same shape (url, origin, port, session,
 * and `connections()` returning `{ open, list, inFlight }` as the server sees them), built on a
 * real node:http server. The matchers recognise handles by shape, so this is what they see from fixtures.
 */
export interface ServerHandle {
  readonly url: string
  readonly origin: string
  readonly port: number
  readonly session: Session
  readonly server: TestServer
  connections(): {
    open: number
    list: {
      remoteAddress: string
      remotePort: number
      openedAt: number
      requests: number
      inFlight: { method: string; url: string; startedAt: number; ageMs: number } | undefined
    }[]
    inFlight: { method: string; url: string; startedAt: number; ageMs: number }[]
  }
  close(): Promise<void>
}

export async function startServerHandle(handler: Handler): Promise<ServerHandle> {
  const tracked = new Map<Socket, Connection>()
  const server = await startHttpServer((req, res) => {
    const connection = tracked.get(req.socket)
    if (connection) {
      const current = { method: req.method ?? 'GET', url: req.url ?? '/', startedAt: Date.now() }
      connection.requests++
      connection.current = current
      res.once('close', () => {
        if (connection.current === current) connection.current = undefined
      })
    }
    handler(req, res)
  })
  server.server.on('connection', (socket: Socket) => {
    tracked.set(socket, {
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      openedAt: Date.now(),
      requests: 0,
      current: undefined,
    })
    socket.once('close', () => tracked.delete(socket))
  })
  const session = new Session({ baseUrl: server.origin })
  return {
    url: `${server.origin}/`,
    origin: server.origin,
    port: server.port,
    session,
    server,
    connections() {
      const now = Date.now()
      const connections = [...tracked.values()].map((c) => ({
        remoteAddress: c.remoteAddress,
        remotePort: c.remotePort,
        openedAt: c.openedAt,
        requests: c.requests,
        inFlight: c.current ? { ...c.current, ageMs: now - c.current.startedAt } : undefined,
      }))
      const inFlight = connections.flatMap((c) => (c.inFlight ? [c.inFlight] : []))
      return { open: connections.length, list: connections, inFlight }
    },
    async close() {
      await session.close()
      await server.close()
    },
  }
}
