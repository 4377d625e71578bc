// A server process for run-to-interrupt/: listens on 127.0.0.1:$PORT and answers every request.
import { createServer } from 'node:http'

createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')
