// Run by scripts/check-packages.mjs inside a throwaway npm project that installed the packed tarball:
// proves @spinup/client works outside the workspace, with plain node and no TypeScript.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { Session } from '@spinup/client'

let connections = 0
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ method: req.method, url: req.url }))
})
server.on('connection', () => connections++)
server.listen(0, '127.0.0.1')
await once(server, 'listening')
const { port } = server.address()

const session = new Session({ baseUrl: `http://127.0.0.1:${port}` })
try {
  const first = await session.get('/hello', { query: { n: 1 } })
  assert.equal(first.status, 200)
  assert.deepEqual(await first.json(), { method: 'GET', url: '/hello?n=1' })
  const second = await session.get('/again')
  assert.equal(second.status, 200)

  const sockets = session.sockets()
  assert.equal(sockets.length, 1, 'two sequential requests share one pooled socket')
  assert.equal(sockets[0].state, 'idle')
  assert.equal(sockets[0].remotePort, port)
  assert.equal(sockets[0].requests, 2)
  assert.equal(connections, 1, 'the server saw exactly one connection')

  await session.closeAllConnections()
  assert.equal(session.sockets().length, 0)
} finally {
  await session.close()
  server.closeAllConnections()
  server.close()
  await once(server, 'close')
}
console.log(`@spinup/client works from its tarball (1 connection, 2 requests, port ${port})`)
