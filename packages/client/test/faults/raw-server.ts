import { once } from 'node:events'
import net from 'node:net'

/** What a fault does with the connection once the request it targets has arrived. */
export type Fault = (socket: net.Socket) => void

/**
 * A TCP server on 127.0.0.1 that speaks HTTP/1.1 by hand, so a test can make it write exact bytes.
 * `GET /ok` gets a correct keep-alive answer. The first other request gets the fault (so one that follows an
 * `/ok` on the same connection meets it on a pooled socket); any later one, a correct answer again, so a
 * replay or the session's next request can succeed. It counts the connections it accepted and the other
 * requests it received.
 */
export interface RawServer {
  readonly port: number
  readonly url: string
  /** Connections accepted so far. */
  readonly accepted: number
  /** Requests other than /ok that reached the server (the faulted one included). */
  readonly requests: number
  close(): Promise<void>
}

export async function startRawServer(fault: Fault): Promise<RawServer> {
  const sockets = new Set<net.Socket>()
  let accepted = 0
  let requests = 0
  const server = net.createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let buffer = Buffer.alloc(0)
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end === -1) return
        const head = buffer.subarray(0, end).toString('latin1')
        const [, path = ''] = head.split(' ')
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
        if (path !== '/ok' && requests === 0) {
          // The fault answers as soon as the request head is in; whatever body follows is not HTTP to us.
          requests++
          buffer = Buffer.alloc(0)
          fault(socket)
          return
        }
        if (buffer.length < end + 4 + length) return
        if (path !== '/ok') requests++
        buffer = buffer.subarray(end + 4 + length)
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok')
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return accepted
    },
    get requests() {
      return requests
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}

// Building blocks for faults, so a case reads as what the server does.
export const write =
  (...parts: string[]): Fault =>
  (socket) => {
    for (const part of parts) socket.write(part)
  }
// Not named `then`: a module exporting `then` is a thenable, and awaiting its import never resolves.
export const inOrder =
  (...faults: Fault[]): Fault =>
  (socket) => {
    for (const fault of faults) fault(socket)
  }
/** A FIN: the server closes its side cleanly. */
export const end: Fault = (socket) => socket.end()
/** An RST: the server resets the connection. */
export const reset: Fault = (socket) => socket.resetAndDestroy()
/** Writes nothing more and keeps the connection open: only the client's timeout ends it. */
export const stall: Fault = () => {}
