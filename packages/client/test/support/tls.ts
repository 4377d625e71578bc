import { once } from 'node:events'
import type http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { generate } from 'selfsigned'

let pending: Promise<{ cert: string; key: string }> | undefined

/** A throwaway certificate for 127.0.0.1 (EC P-256: milliseconds to make), shared by this test file. */
export function certificate(): Promise<{ cert: string; key: string }> {
  pending ??= generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  }).then((pems) => ({ cert: pems.cert, key: pems.private }))
  return pending
}

/** An https server on 127.0.0.1 with that certificate; `close()` destroys its connections. */
export async function startHttpsServer(handler: http.RequestListener) {
  const { cert, key } = await certificate()
  const server = https.createServer({ cert, key }, handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    cert,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}
