import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readlinkSync } from 'node:fs'
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { readTcpTable, socketInodes, type TcpTableRow } from '../src/os/index.js'

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

/**
 * A whole test run leaves thousands of TIME_WAIT rows behind, and the kernel hands a fresh listener or client a
 * port number that such a row (or another process's socket to another address) still carries. So rows are
 * picked by their whole address pair, never by a port number alone.
 */
function rowsBetween(
  table: TcpTableRow[],
  local: { address: string; port: number },
  remote: { address: string; port: number },
): TcpTableRow[] {
  return table.filter(
    (r) =>
      r.localAddress === local.address &&
      r.localPort === local.port &&
      r.remoteAddress === remote.address &&
      r.remotePort === remote.port,
  )
}

const stripInode = ({ inode: _inode, ...row }: TcpTableRow) => row

describe.skipIf(process.platform !== 'linux')('the kernel TCP table', () => {
  test('a listening server and one connection to it: the LISTEN row and both ends, with this process inodes', async () => {
    const { port, client } = await listenAndConnect('127.0.0.1')
    const clientPort = client.localPort!
    const table = readTcpTable()
    const server = { address: '127.0.0.1', port }
    const clientEnd = { address: '127.0.0.1', port: clientPort }
    const listening = rowsBetween(table, server, { address: '0.0.0.0', port: 0 })
    const serverSide = rowsBetween(table, server, clientEnd)
    const clientSide = rowsBetween(table, clientEnd, server)
    expect([...listening, ...serverSide, ...clientSide].map(stripInode)).toEqual([
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
    ])
    // Each row's inode is one of the sockets this process holds, and they are three different sockets.
    const inodes = ownInodes()
    const rowInodes = [...listening, ...serverSide, ...clientSide].map((r) => r.inode)
    for (const inode of rowInodes) expect(inodes.has(inode)).toBe(true)
    expect(new Set(rowInodes).size).toBe(3)
  })

  test('listeningOnly reads the LISTEN rows and no others', async () => {
    const { port, client } = await listenAndConnect('127.0.0.1')
    const rows = readTcpTable({ listeningOnly: true })
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => r.state === 'LISTEN')).toBe(true)
    expect(rows.filter((r) => r.localAddress === '127.0.0.1' && r.localPort === port)).toHaveLength(1)
    // The whole table has the connection's server-side row too, which listeningOnly left out.
    const server = { address: '127.0.0.1', port }
    const clientEnd = { address: '127.0.0.1', port: client.localPort! }
    expect(rowsBetween(readTcpTable(), server, clientEnd)).toMatchObject([{ state: 'ESTABLISHED' }])
    expect(rowsBetween(rows, server, clientEnd)).toEqual([])
  })

  test('an IPv6 loopback listener is in tcp6, with its address written out', async () => {
    const { port } = await listenAndConnect('::1')
    const rows = readTcpTable({ tables: ['tcp6'], listeningOnly: true }).filter(
      (r) => r.localAddress === '0:0:0:0:0:0:0:1' && r.localPort === port,
    )
    expect(rows).toMatchObject([{ localAddress: '0:0:0:0:0:0:0:1', state: 'LISTEN' }])
    expect(ownInodes().has(rows[0]!.inode)).toBe(true)
    // The IPv4 table does not list that socket.
    expect(readTcpTable({ tables: ['tcp'] }).filter((r) => r.inode === rows[0]!.inode)).toEqual([])
  })

  test('socketInodes() joins a process to its rows: this process by default, another one by pid', async () => {
    const { port } = await listenAndConnect('127.0.0.1')
    const listener = readTcpTable({ listeningOnly: true }).find(
      (r) => r.localAddress === '127.0.0.1' && r.localPort === port,
    )!
    expect(socketInodes()).toEqual(ownInodes())
    expect(socketInodes().has(listener.inode)).toBe(true)
    // A child process that listens: its listener is in its own set, not in ours.
    const child = spawn(
      process.execPath,
      [
        '-e',
        "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })",
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      const [line] = (await once(child.stdout!, 'data')) as [Buffer]
      const childPort = Number(String(line).trim())
      const childListener = readTcpTable({ listeningOnly: true }).find(
        (r) => r.localAddress === '127.0.0.1' && r.localPort === childPort,
      )!
      expect(socketInodes(child.pid!).has(childListener.inode)).toBe(true)
      expect(socketInodes().has(childListener.inode)).toBe(false)
    } finally {
      const exited = once(child, 'exit')
      child.kill()
      await exited
    }
    // A process that is gone has no sockets.
    expect(socketInodes(child.pid!)).toEqual(new Set())
  })

  test('a closed connection leaves no ESTABLISHED row, and what the kernel still lists is held by no process (inode 0)', async () => {
    const { port, client, serverSide } = await listenAndConnect('127.0.0.1')
    const server = { address: '127.0.0.1', port }
    const clientEnd = { address: '127.0.0.1', port: client.localPort! }
    const before = readTcpTable()
    expect([
      ...rowsBetween(before, server, clientEnd),
      ...rowsBetween(before, clientEnd, server),
    ]).toHaveLength(2)
    const closed = Promise.all([once(client, 'close'), once(serverSide, 'close')])
    client.end()
    serverSide.end()
    await closed
    const after = readTcpTable()
    const rows = [...rowsBetween(after, server, clientEnd), ...rowsBetween(after, clientEnd, server)]
    expect(rows.filter((r) => r.state === 'ESTABLISHED')).toEqual([])
    for (const row of rows) expect(row.inode).toBe('0')
  })
})
