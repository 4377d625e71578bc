import type { Handler } from '@spinup/test-support'

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
