// The server the benchmarks talk to, run as its own process so that the client under test and the server
// do not share an event loop (on 2 cores, each gets one). Plain JavaScript: no loader between node and the
// server, so startup and request handling cost the same as for any Node server.
//
// Environment: PORT (default 0: any free port), HOST (default 127.0.0.1).
// On listening it prints one line: `listening <port> <epoch ms, fractional>`; the time is taken in the
// 'listening' callback, so a readiness benchmark can compare it with the moment its probe succeeded.
//
// With LISTENING_FILE set, the same line is also written to that file, for runners that keep the
// process's output to themselves (the fixtures benchmark starts it through startServer()).
//
// GET /__stats answers {"connections": N}, the TCP connections accepted so far, so a benchmark can tell how
// many connections a case opened (ask twice over one kept-alive connection and subtract).
import { renameSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'

const body = Buffer.from(JSON.stringify({ ok: true, message: 'hello from the benchmark server' }))
let connections = 0

const server = createServer((req, res) => {
  if (req.url === '/__stats') {
    const stats = Buffer.from(JSON.stringify({ connections }))
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': stats.length })
    res.end(stats)
    return
  }
  // Drain any request body before answering, as a real API would.
  req.resume()
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
  res.end(body)
})
server.on('connection', () => {
  connections++
})
// Longer than the clients' keep-alive (4 s), so idle connections are closed by the client, never under it.
server.keepAliveTimeout = 10_000

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const at = performance.timeOrigin + performance.now()
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const line = `listening ${port} ${at.toFixed(3)}\n`
  const file = process.env.LISTENING_FILE
  if (file) {
    // Written whole, then renamed: a reader never sees half a line.
    writeFileSync(`${file}.tmp`, line)
    renameSync(`${file}.tmp`, file)
  }
  process.stdout.write(line)
})

// Watchdog: if the benchmark dies without stopping us (SIGKILL), we are re-parented; exit then rather
// than linger as an orphan holding a port.
const parent = process.ppid
setInterval(() => {
  if (process.ppid !== parent) process.exit(0)
}, 200).unref()

process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  process.exit(0)
})
