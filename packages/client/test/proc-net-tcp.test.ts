import { once } from 'node:events'
import { readdirSync, readlinkSync } from 'node:fs'
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { readTcpTable } from '../src/index.js'

/** The inodes of the sockets this process holds, from /proc/self/fd. */
function ownInodes(): Set<string> {
  const inodes = new Set<string>()
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`)
      if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1))
    } catch {}
  }
  return inodes
}

const opened: Array<Server | Socket> = []
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) {
    if ('listening' in item) await new Promise((r) => item.close(r))
    else item.destroy()
  }
})

/** A listening server on `host` and one connection to it: the server's side and the client's. */
async function listenAndConnect(host: string) {
  const server = createServer()
  opened.push(server)
  server.listen(0, host)
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const client = connect(port, host)
  opened.push(client)
  await once(client, 'connect')
  const [serverSide] = await accepted
  opened.push(serverSide)
  return { server, port, client, serverSide }
}

describe.skipIf(process.platform !== 'linux')('the kernel TCP table', () => {
  test('a listening server and one connection to it: the LISTEN row and both ends, with this process inodes', async () => {
    const { port, client } = await listenAndConnect('127.0.0.1')
    const rows = readTcpTable().filter((r) => r.localPort === port || r.remotePort === port)
    const clientPort = client.localPort!
    expect(rows).toHaveLength(3)
    expect(rows.map(({ inode: _inode, ...row }) => row)).toEqual(
      expect.arrayContaining([
        {
          localAddress: '127.0.0.1',
          localPort: port,
          remoteAddress: '0.0.0.0',
          remotePort: 0,
          state: 'LISTEN',
        },
        {
          localAddress: '127.0.0.1',
          localPort: port,
          remoteAddress: '127.0.0.1',
          remotePort: clientPort,
          state: 'ESTABLISHED',
        },
        {
          localAddress: '127.0.0.1',
          localPort: clientPort,
          remoteAddress: '127.0.0.1',
          remotePort: port,
          state: 'ESTABLISHED',
        },
      ]),
    )
    // Each row's inode is one of the sockets this process holds.
    const inodes = ownInodes()
    for (const row of rows) expect(inodes.has(row.inode)).toBe(true)
  })

  test('listeningOnly reads the LISTEN rows and no others', async () => {
    const { port } = await listenAndConnect('127.0.0.1')
    const rows = readTcpTable({ listeningOnly: true })
    expect(rows.every((r) => r.state === 'LISTEN')).toBe(true)
    expect(rows.filter((r) => r.localPort === port)).toHaveLength(1)
    // The whole table has the connection's rows too.
    expect(readTcpTable().filter((r) => r.localPort === port)).toHaveLength(2)
  })

  test('an IPv6 loopback listener is in tcp6, with its address written out', async () => {
    const { port } = await listenAndConnect('::1')
    expect(readTcpTable({ tables: ['tcp'] }).filter((r) => r.localPort === port)).toEqual([])
    const rows = readTcpTable({ tables: ['tcp6'], listeningOnly: true }).filter((r) => r.localPort === port)
    expect(rows).toMatchObject([{ localAddress: '0:0:0:0:0:0:0:1', state: 'LISTEN' }])
  })

  test('a closed connection leaves no ESTABLISHED row, and what the kernel still lists is held by no process (inode 0)', async () => {
    const { port, client, serverSide } = await listenAndConnect('127.0.0.1')
    const clientPort = client.localPort!
    const closed = Promise.all([once(client, 'close'), once(serverSide, 'close')])
    client.end()
    serverSide.end()
    await closed
    const rows = readTcpTable().filter(
      (r) => (r.localPort === port && r.remotePort === clientPort) || r.localPort === clientPort,
    )
    expect(rows.filter((r) => r.state === 'ESTABLISHED')).toEqual([])
    for (const row of rows) expect(row.inode).toBe('0')
  })
})
