import type { IncomingMessage, ServerResponse } from 'node:http'

/** 1 MiB: far more than socket buffers hold, so an unread body keeps its response, and its socket, busy. */
export const BIG = 1024 * 1024

/**
 * An API whose answers carry big bodies that tests often do not read:
 * - `GET /report` and `HEAD /report`: a 1 MiB report (HEAD: its headers only);
 * - `POST /orders`: 201 Created, with the whole order echoed back (1 MiB) that nobody looks at;
 * - `GET /users/:id`: 200 with the user for even ids, 404 with a 1 MiB error page for odd ones.
 */
export function app(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname === '/report' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BIG })
    res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(BIG, 'r'))
    return
  }
  if (url.pathname === '/orders' && req.method === 'POST') {
    req.resume()
    req.once('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': BIG })
      res.end(Buffer.alloc(BIG, ' '))
    })
    return
  }
  const user = /^\/users\/(\d+)$/.exec(url.pathname)
  if (user && req.method === 'GET') {
    const id = Number(user[1])
    if (id % 2 === 0) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ id, name: `user ${id}` }))
    } else {
      res.writeHead(404, { 'content-type': 'text/html', 'content-length': BIG })
      res.end(Buffer.alloc(BIG, '<'))
    }
    return
  }
  res.writeHead(404).end()
}
