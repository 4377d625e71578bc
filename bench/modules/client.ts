import { Session } from '@spinup/client'
import { Agent, Client, type Dispatcher, request } from 'undici'
import type { BenchContext, BenchModule, BenchRow } from '../bench-module.js'
import { type ChildServer, serverScript, startChildServer } from '../child-server.js'
import { median, round } from '../stats.js'
import { measureThroughput, type Send } from '../throughput.js'

/**
 * The same pool settings for the session and for the raw undici Agent it is compared with: the session's
 * defaults (keep-alive 4 s, connect timeout 10 s, no limit on connections per origin), spelled out on both.
 */
const poolOptions = { keepAliveTimeout: 4_000, connectTimeout: 10_000 } as const
const agentOptions: Agent.Options = {
  keepAliveTimeout: poolOptions.keepAliveTimeout,
  connections: null,
  connect: { timeout: poolOptions.connectTimeout },
}

const BASELINE = 'undici.request'
const SUBJECT = 'session.get'
const ONE_CONNECTION = 'undici.request, reusing one connection'
const FETCH_BASELINE = 'fetch on an Agent'
/** The bars from the issue: session.get at least 0.95× raw undici; the dispatcher path at least 0.90×. */
const GET_BAR = 0.95
const DISPATCHER_BAR = 0.9

interface Mode {
  readonly name: string
  readonly concurrency: number
}
const modes: readonly Mode[] = [
  { name: 'sequential', concurrency: 1 },
  { name: '10 concurrent', concurrency: 10 },
]

/** A way of sending GET / and reading the whole body, with whatever it needs opened for one mode. */
interface ClientCase {
  readonly name: string
  /** Why the case is in the table. */
  readonly role: 'baseline' | 'subject' | 'context' | 'diagnostic'
  /** The case its ratio is taken against (default: raw undici.request), and the bar on that ratio, if any. */
  readonly baseline?: string
  readonly bar?: number
  open(origin: string): { send: Send; close(): Promise<void> }
}

/**
 * Ratios beyond each case's own: session.get against raw undici held to one connection per worker, which
 * takes the cost of the one-connection rule out and leaves spinup's own overhead.
 */
const comparisons: readonly { subject: string; baseline: string }[] = [
  { subject: SUBJECT, baseline: ONE_CONNECTION },
]

/**
 * fetch's init with an undici 7 dispatcher. Node 20's fetch types `dispatcher` with its own bundled
 * undici-types, which TypeScript sees as a different Dispatcher; at run time it takes any dispatcher.
 */
function withDispatcher(dispatcher: Dispatcher): RequestInit {
  return { dispatcher } as unknown as RequestInit
}

function expectOk(status: number, caseName: string): void {
  if (status !== 200) throw new Error(`${caseName}: expected status 200, got ${status}`)
}

/** undici.request on an Agent with the session's options; the variants differ in one request option or a wait. */
function undiciCase(
  name: string,
  role: ClientCase['role'],
  variant: { reset?: boolean; afterResponse?: () => Promise<void> } = {},
): ClientCase {
  return {
    name,
    role,
    open(origin) {
      const dispatcher = new Agent(agentOptions)
      const url = `${origin}/`
      return {
        async send() {
          const { statusCode, body } = await request(url, { dispatcher, reset: variant.reset ?? false })
          await body.arrayBuffer()
          await variant.afterResponse?.()
          expectOk(statusCode, name)
        },
        close: () => dispatcher.close(),
      }
    },
  }
}

/** session.get on a Session with the pool options, plus `options`. */
function sessionGetCase(
  name: string,
  role: ClientCase['role'],
  options: { timeout?: number; cookies?: boolean } = {},
  bar?: number,
  prepare?: (session: Session) => void,
): ClientCase {
  return {
    name,
    role,
    ...(bar ? { bar } : {}),
    open(origin) {
      const session = new Session({ baseUrl: origin, ...poolOptions, ...options })
      prepare?.(session)
      return {
        async send() {
          const res = await session.get('/')
          expectOk(res.status, name)
        },
        close: () => session.close(),
      }
    },
  }
}

const cases: readonly ClientCase[] = [
  undiciCase(BASELINE, 'baseline'),
  sessionGetCase(SUBJECT, 'subject', {}, GET_BAR),
  // The cookie jar's cost: off entirely, and with a cookie it must look up and send on every request
  // (the subject's jar is empty, which skips the lookup).
  sessionGetCase('session.get, cookies: false', 'context', { cookies: false }),
  sessionGetCase('session.get, one cookie in the jar', 'context', {}, undefined, (session) => {
    session.cookies.set('sid=abc123; Path=/; HttpOnly')
  }),
  {
    // Node 20's built-in fetch on its default global dispatcher, as most code under test uses it.
    name: 'fetch',
    role: 'context',
    open(origin) {
      const url = `${origin}/`
      return {
        async send() {
          const res = await fetch(url)
          await res.arrayBuffer()
          expectOk(res.status, 'fetch')
        },
        close: async () => {},
      }
    },
  },
  // `reset: true` sends `connection: close`, so every request pays for a TCP handshake: what a client
  // that never pools (or closes everything between requests) costs.
  undiciCase('new connection per request', 'context', { reset: true }),
  {
    // The path the code under test takes once routeGlobalFetch() is on, or when it is handed
    // session.dispatcher: socket tracking and a per-request context, without session.get's preparation.
    name: 'undici.request on session.dispatcher',
    role: 'subject',
    bar: DISPATCHER_BAR,
    open(origin) {
      const session = new Session({ baseUrl: origin, ...poolOptions })
      const url = `${origin}/`
      return {
        async send() {
          const { statusCode, body } = await request(url, { dispatcher: session.dispatcher })
          await body.arrayBuffer()
          expectOk(statusCode, 'undici.request on session.dispatcher')
        },
        close: () => session.close(),
      }
    },
  },
  {
    // The global fetch with a dispatcher of its own: the baseline for fetch through the session.
    name: FETCH_BASELINE,
    role: 'context',
    open(origin) {
      const dispatcher = new Agent(agentOptions)
      const url = `${origin}/`
      return {
        async send() {
          const res = await fetch(url, withDispatcher(dispatcher))
          await res.arrayBuffer()
          expectOk(res.status, FETCH_BASELINE)
        },
        close: () => dispatcher.close(),
      }
    },
  },
  {
    // The same fetch through the session's dispatcher, as routeGlobalFetch() routes it.
    name: 'fetch on session.dispatcher',
    role: 'subject',
    baseline: FETCH_BASELINE,
    bar: DISPATCHER_BAR,
    open(origin) {
      const session = new Session({ baseUrl: origin, ...poolOptions })
      const url = `${origin}/`
      return {
        async send() {
          const res = await fetch(url, withDispatcher(session.dispatcher))
          await res.arrayBuffer()
          expectOk(res.status, 'fetch on session.dispatcher')
        },
        close: () => session.close(),
      }
    },
  },
  // Raw undici held to the session's rule of one connection per worker: after each response it waits the
  // event-loop turn undici takes to free the connection (a session waits for undici's 'drain' instead).
  // Against this row the session's own overhead shows apart from the cost of reusing one connection.
  undiciCase(ONE_CONNECTION, 'diagnostic', {
    afterResponse: () => new Promise<void>((resolve) => setImmediate(resolve)),
  }),
  // session.get without a timeout (the session's default, 30 s, is one entry in its deadline list per request).
  sessionGetCase('session.get, timeout 0', 'diagnostic', { timeout: 0 }),
]

/** Reads the server's count of accepted connections over one kept-alive connection of its own. */
function connectionCounter(origin: string) {
  const client = new Client(origin, { keepAliveTimeout: 60_000 })
  return {
    async count(): Promise<number> {
      const { body } = await request(`${origin}/__stats`, { dispatcher: client })
      return ((await body.json()) as { connections: number }).connections
    },
    close: () => client.close(),
  }
}

interface Slot {
  readonly clientCase: ClientCase
  readonly mode: Mode
  readonly send: Send
  readonly close: () => Promise<void>
  readonly perSecond: number[]
  readonly requests: number[]
  /** Microseconds of this process's CPU (user + system) per request, per round. */
  readonly cpuPerRequest: number[]
  readonly connectionsOpened: number[]
  /** Connections the server accepted from this case during its warm-up: the pool it settled on. */
  warmupConnections: number
}

async function runClientBenchmark(context: BenchContext): Promise<BenchRow[]> {
  const maxRequests = 1_000_000
  let server: ChildServer | undefined
  const slots: Slot[] = []
  let counter: ReturnType<typeof connectionCounter> | undefined
  try {
    server = await startChildServer(serverScript('hello-server.mjs'))
    context.log(`client: server process pid ${server.pid} on ${server.origin}`)
    counter = connectionCounter(server.origin)
    await counter.count()
    for (const mode of modes) {
      for (const clientCase of cases) {
        const { send, close } = clientCase.open(server.origin)
        slots.push({
          clientCase,
          mode,
          send,
          close,
          perSecond: [],
          requests: [],
          cpuPerRequest: [],
          connectionsOpened: [],
          warmupConnections: 0,
        })
      }
    }

    const warmupMs = 300
    context.log(`client: warm-up, ${warmupMs} ms per case and mode`)
    for (const slot of slots) {
      const before = await counter.count()
      await measureThroughput(slot.send, {
        concurrency: slot.mode.concurrency,
        durationMs: warmupMs,
        maxRequests,
      })
      slot.warmupConnections = (await counter.count()) - before
    }

    // Interleaved rounds: in each round every case runs once per mode, in an order that shifts from round
    // to round, so drift in machine load (other processes, GC of earlier cases) spreads over every case
    // instead of landing on one. Many short slices beat a few long ones on a shared machine.
    for (let r = 0; r < context.rounds; r++) {
      context.log(`client: round ${r + 1}/${context.rounds}`)
      for (const mode of modes) {
        const inMode = slots.filter((slot) => slot.mode === mode)
        const order = inMode.map((_, i) => inMode[(i + r) % inMode.length]!)
        for (const slot of order) {
          const before = await counter.count()
          const cpuBefore = process.cpuUsage()
          const result = await measureThroughput(slot.send, {
            concurrency: mode.concurrency,
            durationMs: context.sliceMs,
            maxRequests,
          })
          const cpu = process.cpuUsage(cpuBefore)
          const after = await counter.count()
          slot.perSecond.push(result.perSecond)
          slot.requests.push(result.requests)
          slot.cpuPerRequest.push((cpu.user + cpu.system) / result.requests)
          slot.connectionsOpened.push(after - before)
        }
      }
    }
  } finally {
    await Promise.allSettled(slots.map((slot) => slot.close()))
    await counter?.close()
    await server?.stop()
  }

  const rows: BenchRow[] = []
  for (const mode of modes) {
    const inMode = slots.filter((slot) => slot.mode === mode)
    const byName = (name: string) => inMode.find((slot) => slot.clientCase.name === name)!
    const paired = (slot: Slot, baseline: Slot) => slot.perSecond.map((v, i) => v / baseline.perSecond[i]!)
    for (const slot of inMode) {
      const { clientCase } = slot
      const baselineName = clientCase.baseline ?? BASELINE
      const value = median(slot.perSecond)
      const pairedRatios = paired(slot, byName(baselineName))
      const ratio = median(pairedRatios)
      const opened = slot.connectionsOpened.reduce((a, b) => a + b, 0)
      const requests = slot.requests.reduce((a, b) => a + b, 0)
      const connections =
        opened > requests / 2
          ? 'a connection per request'
          : `${slot.warmupConnections + opened} connection(s)`
      rows.push({
        benchmark: 'client',
        case: clientCase.name,
        mode: mode.name,
        value: round(value, 1),
        unit: 'req/s',
        ratio: round(ratio),
        baseline: baselineName,
        ...(clientCase.bar
          ? { bar: { text: `≥ ${clientCase.bar}× ${baselineName}`, pass: ratio >= clientCase.bar } }
          : {}),
        rounds: slot.perSecond.map((v) => round(v, 1)),
        note: `${Math.round(median(slot.cpuPerRequest))} µs CPU/req, ${connections}`,
        details: {
          role: clientCase.role,
          concurrency: mode.concurrency,
          requestsPerRound: slot.requests,
          clientCpuMicrosPerRequest: slot.cpuPerRequest.map((v) => round(v, 1)),
          connectionsOpenedInWarmup: slot.warmupConnections,
          connectionsOpenedPerRound: slot.connectionsOpened,
          ratioPerRound: pairedRatios.map((v) => round(v)),
        },
      })
    }
    for (const { subject, baseline } of comparisons) {
      const perRound = paired(byName(subject), byName(baseline))
      const ratio = median(perRound)
      rows.push({
        benchmark: 'client',
        case: `${subject} ÷ ${baseline}`,
        mode: mode.name,
        value: round(ratio),
        unit: '×',
        ratio: round(ratio),
        baseline,
        rounds: perRound.map((v) => round(v)),
        note: "spinup's own overhead, the one-connection rule taken out",
      })
    }
  }
  return rows
}

/** session.get against raw undici.request, fetch and a fresh connection per request, on a server process. */
export const clientBenchmark: BenchModule = {
  name: 'client',
  description:
    'GET / with the body read, against a node:http server in a separate process: session.get vs undici.request ' +
    'on an Agent with the same options, fetch, and a new connection per request; sequential and 10 concurrent.',
  run: runClientBenchmark,
}
