// Typechecked (never run) by scripts/check-packages.mjs in the consumer project: the published .d.ts
// files resolve under NodeNext and describe the public contract as users write against it.
import { Session, type SessionStats, type SocketRecord } from '@spinup/client'

export async function describeSockets(baseUrl: string): Promise<string[]> {
  const session = new Session({ baseUrl })
  try {
    const res = await session.get('/health', { headers: { accept: 'text/plain' }, timeout: 1_000 })
    const status: number = res.status
    const stats: SessionStats = session.stats()
    const sockets: SocketRecord[] = session.sockets()
    return sockets.map((socket) => `${status} ${socket.origin} ${socket.state} of ${stats.open}`)
  } finally {
    await session.close()
  }
}
