import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Session } from '@spinup/client'
import { type ReadyCheck, type RunningServer, startServer } from '@spinup/fixtures'
import { Client } from 'undici'
import type { BenchContext, BenchModule, BenchRow } from '../bench-module.js'
import { type ChildServer, serverScript, startChildServer } from '../child-server.js'
import { median, round } from '../stats.js'

/** The bars from the issue. */
const CYCLE_BAR = 1.3
const READY_BAR_MS = 5

const payload = Buffer.from(JSON.stringify({ ok: true }))
function listener(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length })
  res.end(payload)
}

/** One test's worth of server by hand: listen on port 0, one request on its own connection, close both. */
async function bareCycle(): Promise<void> {
  const server = createServer(listener)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const client = new Client(`http://127.0.0.1:${port}`)
  try {
    const { statusCode, body } = await client.request({ method: 'GET', path: '/' })
    await body.arrayBuffer()
    if (statusCode !== 200) throw new Error(`bare cycle: expected 200, got ${statusCode}`)
  } finally {
    await client.close()
    // Resolves once every connection the server accepted has closed.
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
  }
}

/**
 * What useServer() does around one test, through the public API (useServer itself needs vitest hooks):
 * startServer, a Session on its origin, the test's one request, the leak check (active sockets), then
 * closeAllConnections(), stop() (which resolves once every server-side socket is closed and the port
 * is free) and session.close().
 */
async function fixtureCycle(): Promise<void> {
  const server = await startServer(listener)
  const session = new Session({ baseUrl: server.origin })
  try {
    const res = await session.get('/')
    if (res.status !== 200) throw new Error(`startServer cycle: expected 200, got ${res.status}`)
    if (session.sockets({ state: 'active' }).length > 0) throw new Error('startServer cycle: a socket leaked')
  } finally {
    await session.closeAllConnections()
    await server.stop()
    await session.close()
  }
}

/** Runs `cycle` back to back for `durationMs` (at most `maxCycles`); returns the mean ms per cycle. */
export async function msPerCycle(
  cycle: () => Promise<void>,
  durationMs: number,
  maxCycles: number,
): Promise<number> {
  const begin = performance.now()
  let cycles = 0
  while (cycles < maxCycles && performance.now() - begin < durationMs) {
    await cycle()
    cycles++
  }
  return (performance.now() - begin) / cycles
}

async function measureCycles(context: BenchContext): Promise<BenchRow[]> {
  const cases = [
    { name: 'bare createServer+request+close', cycle: bareCycle, perCycle: [] as number[] },
    { name: 'startServer+Session (useServer per test)', cycle: fixtureCycle, perCycle: [] as number[] },
  ]
  const maxCycles = 10_000
  context.log('fixtures: in-process per-test cycle, warm-up')
  for (const c of cases) await msPerCycle(c.cycle, 300, maxCycles)
  for (let r = 0; r < context.rounds; r++) {
    const order = r % 2 === 0 ? cases : [...cases].reverse()
    for (const c of order) c.perCycle.push(await msPerCycle(c.cycle, context.sliceMs, maxCycles))
  }
  const [bare, fixture] = cases as [(typeof cases)[0], (typeof cases)[0]]
  const bareMedian = median(bare.perCycle)
  return cases.map((c) => {
    const ratio = median(c.perCycle.map((v, i) => v / bare.perCycle[i]!))
    return {
      benchmark: 'fixtures',
      case: c.name,
      mode: 'in-process, per test',
      value: round(median(c.perCycle), 3),
      unit: 'ms',
      ratio: round(ratio),
      baseline: 'bare',
      ...(c === fixture ? { bar: { text: `≤ ${CYCLE_BAR}× bare`, pass: ratio <= CYCLE_BAR } } : {}),
      rounds: c.perCycle.map((v) => round(v, 3)),
      note: c === bare ? '' : `+${round(median(c.perCycle) - bareMedian, 2)} ms per test`,
      details: { ratioPerRound: c.perCycle.map((v, i) => round(v / bare.perCycle[i]!)) },
    }
  })
}

interface ReadinessSample {
  /** From calling startServer to the process's 'listening' callback. */
  readonly toListening: number
  /** From the 'listening' callback to startServer resolving: how late readiness was noticed. */
  readonly listeningToReady: number
}

function epochMs(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * The server's listening line. A tcp probe can succeed as soon as the kernel listens, a moment before the
 * server's 'listening' callback has written the file, so wait for it (outside the measured interval).
 */
async function readListeningFile(file: string): Promise<string> {
  const deadline = performance.now() + 5_000
  for (;;) {
    try {
      return await readFile(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || performance.now() > deadline) throw err
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
  }
}

async function startOnce(ready: ReadyCheck, dir: string, index: number): Promise<ReadinessSample> {
  const file = join(dir, `listening-${index}`)
  const started = epochMs()
  let server: RunningServer | undefined
  try {
    server = await startServer({
      command: process.execPath,
      args: [serverScript('hello-server.mjs')],
      env: { LISTENING_FILE: file },
      ready,
    })
    const readyAt = epochMs()
    const match = /^listening (\d+) ([\d.]+)/.exec(await readListeningFile(file))
    if (!match || Number(match[1]) !== server.port) {
      throw new Error(
        `readiness benchmark: the server process reported no listening line for port ${server.port}`,
      )
    }
    const listeningAt = Number(match[2])
    return { toListening: listeningAt - started, listeningToReady: readyAt - listeningAt }
  } finally {
    await server?.stop()
  }
}

async function measureReadiness(context: BenchContext): Promise<BenchRow[]> {
  const checks: { name: string; ready: ReadyCheck; samples: ReadinessSample[] }[] = [
    { name: "ready: 'tcp' (default)", ready: 'tcp', samples: [] },
    { name: "ready: { path: '/' }", ready: { path: '/' }, samples: [] },
    { name: 'ready: /^listening/', ready: /^listening/, samples: [] },
  ]
  const perRound = 1
  const dir = await mkdtemp(join(tmpdir(), 'spinup-bench-'))
  try {
    context.log('fixtures: process readiness, warm-up')
    await startOnce('tcp', dir, -1)
    let index = 0
    for (let r = 0; r < context.rounds; r++) {
      context.log(`fixtures: process readiness, round ${r + 1}/${context.rounds}`)
      for (let c = 0; c < checks.length; c++) {
        const check = checks[(c + r) % checks.length]!
        for (let i = 0; i < perRound; i++) check.samples.push(await startOnce(check.ready, dir, index++))
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const all = checks.flatMap((check) => check.samples.map((s) => s.toListening))
  const rows: BenchRow[] = [
    {
      benchmark: 'fixtures',
      case: 'node process: spawn → listening',
      mode: 'process server',
      value: round(median(all), 2),
      unit: 'ms',
      rounds: all.map((v) => round(v, 2)),
      note: 'what readiness can not beat',
      details: { samples: 'one per start, every readiness check' },
    },
  ]
  for (const check of checks) {
    const latency = median(check.samples.map((s) => s.listeningToReady))
    rows.push({
      benchmark: 'fixtures',
      case: check.name,
      mode: 'listening → ready',
      value: round(latency, 2),
      unit: 'ms',
      ...(check.ready === 'tcp'
        ? { bar: { text: `≤ ${READY_BAR_MS} ms`, pass: latency <= READY_BAR_MS } }
        : {}),
      rounds: check.samples.map((s) => round(s.listeningToReady, 2)),
      note: `max ${round(Math.max(...check.samples.map((s) => s.listeningToReady)), 1)} ms over ${check.samples.length} starts`,
      details: {
        samples: 'one per start',
        spawnToListeningMs: check.samples.map((s) => round(s.toListening, 2)),
      },
    })
  }
  return rows
}

/** How many sockets the hook-cost rows hold open: what a test with a little concurrency leaves in the pool. */
const HOOK_SOCKETS = 10

/** Opens `count` connections in the session: that many requests at once, each on a socket of its own. */
async function fillPool(session: Session, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => session.get('/')))
  const open = session.stats().open
  if (open !== count) throw new Error(`hook costs: expected ${count} open sockets, got ${open}`)
}

/** The floor under closeAllConnections(): plain sockets to the same server, destroyed, until each closes. */
async function rawDestroy(origin: string, count: number): Promise<number> {
  const { port } = new URL(origin)
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () => resolve(socket)).once('error', reject)
        }),
    ),
  )
  const begin = performance.now()
  await Promise.all(
    sockets.map((socket) => {
      const closed = new Promise((resolve) => socket.once('close', resolve))
      socket.destroy()
      return closed
    }),
  )
  return performance.now() - begin
}

/**
 * What useServer's afterEach adds per socket the test left open: the leak check (`sockets({ state:
 * 'active' })`) and `closeAllConnections()`, which resolves once the OS has closed each socket. Against a
 * server process, so only the client's side is timed.
 */
async function measureHookCosts(context: BenchContext): Promise<BenchRow[]> {
  let server: ChildServer | undefined
  const closeAll: number[] = []
  const destroy: number[] = []
  const leakCheck: number[] = []
  const repeats = context.quick ? 5 : 20
  try {
    server = await startChildServer(serverScript('hello-server.mjs'))
    const session = new Session({ baseUrl: server.origin })
    try {
      for (let r = -1; r < context.rounds; r++) {
        let closeMs = 0
        let destroyMs = 0
        let checkMs = 0
        let checks = 0
        for (let i = 0; i < repeats; i++) {
          await fillPool(session, HOOK_SOCKETS)
          // Once per fresh pool, as after a test: a socket's addresses are read (and cached) on first use.
          const begin = performance.now()
          const active = session.sockets({ state: 'active' }).length
          checkMs += performance.now() - begin
          checks++
          if (active !== 0) throw new Error('hook costs: a socket is active')
          const closing = performance.now()
          await session.closeAllConnections()
          closeMs += performance.now() - closing
          destroyMs += await rawDestroy(server.origin, HOOK_SOCKETS)
        }
        // Round -1 is the warm-up.
        if (r < 0) continue
        closeAll.push((closeMs * 1000) / (repeats * HOOK_SOCKETS))
        destroy.push((destroyMs * 1000) / (repeats * HOOK_SOCKETS))
        leakCheck.push((checkMs * 1000) / (checks * HOOK_SOCKETS))
      }
    } finally {
      await session.close()
    }
  } finally {
    await server?.stop()
  }
  const mode = `per socket, ${HOOK_SOCKETS} open`
  const closeRatios = closeAll.map((v, i) => v / destroy[i]!)
  return [
    {
      benchmark: 'fixtures',
      case: 'socket.destroy() until closed (plain sockets)',
      mode,
      value: round(median(destroy), 1),
      unit: 'µs',
      ratio: 1,
      baseline: 'socket.destroy()',
      rounds: destroy.map((v) => round(v, 1)),
      note: 'the floor under closeAllConnections()',
    },
    {
      benchmark: 'fixtures',
      case: 'session.closeAllConnections()',
      mode,
      value: round(median(closeAll), 1),
      unit: 'µs',
      ratio: round(median(closeRatios)),
      baseline: 'socket.destroy()',
      rounds: closeAll.map((v) => round(v, 1)),
      note: 'resolves once the OS closed each socket',
      details: { ratioPerRound: closeRatios.map((v) => round(v)) },
    },
    {
      benchmark: 'fixtures',
      case: "leak check: sockets({ state: 'active' })",
      mode,
      value: round(median(leakCheck), 2),
      unit: 'µs',
      rounds: leakCheck.map((v) => round(v, 2)),
      note: 'once per test, in afterEach',
    },
  ]
}

/** useServer's per-test cost against a bare server cycle, and how fast a process server is seen ready. */
export const fixturesBenchmark: BenchModule = {
  name: 'fixtures',
  description:
    'per-test cost of startServer+Session (what useServer does) vs a bare http server cycle; ' +
    'the leak check and closeAllConnections() per socket; readiness latency of a process server after it starts listening.',
  async run(context) {
    return [
      ...(await measureCycles(context)),
      ...(await measureHookCosts(context)),
      ...(await measureReadiness(context)),
    ]
  },
}
