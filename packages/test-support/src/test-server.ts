import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, connection: ServerSocket) => void

/** A server-side connection with what the server saw on it. */
export interface ServerSocket {
  readonly socket: Socket
  /** Requests received on it so far. */
  readonly requests: number
  /** `Date.now()` when the server accepted it. */
  readonly acceptedAt: number
  readonly closed: Promise<void>
}

/**
 * A node:http server on 127.0.0.1 that records every connection and request it sees: the server's side of
 * a test, the witness of what the client did. (Not spinup's `startServer()`: the packages under test here
 * are the ones that build that.)
 */
export interface TestServer {
  readonly server: http.Server
  readonly port: number
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** Every connection the server has accepted, in order. */
  readonly connections: readonly ServerSocket[]
  /** Every request line the server has received, in order, with the index of its connection. */
  readonly requests: readonly { method: string; url: string; connection: number }[]
  /** Connections not yet closed. */
  openConnections(): number
  /** Resolves once the server has received `count` requests in total (at once if it has). */
  receivedRequests(count: number): Promise<void>
  /** Stops listening, destroys every connection and resolves once all are closed. */
  close(): Promise<void>
}

export async function startTestServer(
  handler: Handler,
  options: { port?: number } = {},
): Promise<TestServer> {
  const connections: (ServerSocket & { requests: number })[] = []
  const requests: { method: string; url: string; connection: number }[] = []
  const bySocket = new Map<Socket, ServerSocket & { requests: number }>()
  const waiters: { count: number; resolve: () => void }[] = []
  const server = http.createServer((req, res) => {
    const entry = bySocket.get(req.socket)!
    entry.requests++
    requests.push({ method: req.method!, url: req.url!, connection: connections.indexOf(entry) })
    for (const waiter of waiters.filter((w) => w.count <= requests.length)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
    handler(req, res, entry)
  })
  server.on('connection', (socket: Socket) => {
    const entry = {
      socket,
      requests: 0,
      acceptedAt: Date.now(),
      closed: once(socket, 'close').then(() => undefined),
    }
    connections.push(entry)
    bySocket.set(socket, entry)
  })
  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    connections,
    requests,
    openConnections: () => connections.filter((c) => !c.socket.closed).length,
    receivedRequests(count) {
      if (requests.length >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const c of connections) c.socket.destroy()
      await Promise.all([closed, ...connections.map((c) => c.closed)])
    },
  }
}

/** Replies 200 with a body of `size` bytes. */
export function sendBody(res: http.ServerResponse, size: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size })
  res.end(Buffer.alloc(size, 'x'))
}
