// The same API as src/api.ts, as a separate Node process: it listens on 127.0.0.1:$PORT and says which
// instance it is (its pid). spinup starts it per test and stops it with SIGTERM.
import { createServer } from 'node:http'

const instance = `pid-${process.pid}`
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json')
  res.setHeader('x-instance', instance)
  if (req.url === '/instance') res.end(JSON.stringify({ instance }))
  else if (req.url === '/users') res.end(JSON.stringify([{ id: 1, name: 'Ada' }]))
  else {
    res.statusCode = 404
    res.end(JSON.stringify({ error: 'not found' }))
  }
})
server.listen(Number(process.env.PORT), '127.0.0.1')
process.once('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
})
