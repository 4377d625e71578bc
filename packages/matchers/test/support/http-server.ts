import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** A node:http server on 127.0.0.1 that keeps every connection it accepted and tells when requests arrive. */
export interface TestServer {
  readonly server: http.Server
  readonly port: number
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** Connections accepted and not yet closed, as the server sees them. */
  readonly sockets: Set<Socket>
  /** Resolves when the server has received `count` requests in total. */
  receivedRequests(count: number): Promise<void>
  /** Stops listening, destroys every connection and resolves once all are closed. */
  close(): Promise<void>
}

export async function startHttpServer(handler: Handler): Promise<TestServer> {
  const sockets = new Set<Socket>()
  let received = 0
  const waiters: { count: number; resolve: () => void }[] = []
  const server = http.createServer((req, res) => {
    received++
    for (const waiter of waiters.filter((w) => w.count <= received)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
    handler(req, res)
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    sockets,
    receivedRequests(count) {
      if (received >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      const socketsClosed = [...sockets].map((socket) => {
        const gone = once(socket, 'close').then(() => undefined)
        socket.destroy()
        return gone
      })
      await Promise.all([closed, ...socketsClosed])
    },
  }
}

/**
 * The routes every test server here answers: `/hello` (a short body), `/stream` (headers and 64 KiB, then
 * the response stays open, so a client that stops reading keeps its socket), `/never` (no answer at all).
 */
export const routes: Handler = (req, res) => {
  if (req.url === '/never') return
  if (req.url === '/stream') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    res.write(Buffer.alloc(64 * 1024, 'x'))
    return
  }
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('hello')
}
