import type { IncomingMessage, ServerResponse } from 'node:http'

/** Answers every request with the client port of the connection it came on: what the server saw. */
export function app(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ clientPort: req.socket.remotePort }))
}
