import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * `GET /slow` never answers on its own (a hung upstream, a lock held forever): the only way out is for the
 * client to give up. `GET /ok` answers at once.
 */
export function app(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/slow') return // the server's stop() cuts it off if the client never does
  res.end('ok')
}
