import { buildConnector, type Client, Dispatcher, errors } from 'undici'
import { closedQuietly } from './quiet-teardown.js'
import { type ClientOwner, TrackedClient } from './tracked-client.js'

/** What the Agent passes its factory: the session's options (connections, keepAliveTimeout, connect). */
export interface SessionPoolOptions {
  readonly connections?: number | null
  readonly keepAliveTimeout?: number
  readonly connect?: buildConnector.BuildOptions
}

/** The same figures as undici's PoolStats, for `Agent.stats` and the matchers that read it. */
export interface SessionPoolStats {
  readonly connected: number
  readonly free: number
  readonly pending: number
  readonly queued: number
  readonly running: number
  readonly size: number
}

type Queued = { readonly opts: Dispatcher.DispatchOptions; readonly handler: Dispatcher.DispatchHandler }
type LegacyHandler = Dispatcher.DispatchHandler & { onError?(err: Error): void }

/**
 * The connections of one origin of a session: TrackedClients (one connection each), a queue for requests
 * that find every connection busy, and undici's Agent above it, which makes one per origin.
 *
 * Why not undici's Pool: per test a session meets a new origin (each test's server has a port of its own),
 * and a Pool is built for long-lived origins: a 2,048-slot queue, stats objects, a connector and a
 * deep-cloned copy of the options each, plus a `drain` round trip before a freed connection takes the next
 * request. Measured in one vitest file of 3,000 tests alternating a bare undici Client and a Session per test
 * (express, 3 requests each): with this pool (and the Agent given only its factory) a Session's test took
 * 1.15–1.18× the Client's, against 1.22–1.24× with undici's Pool.
 *
 * How it picks a connection for a request, in order: one whose last response has ended (undici frees a
 * connection one event-loop turn after its response, and the next line of a test comes first: "sequential
 * requests share one connection"); one that is not busy; a new one while fewer than `connections` exist;
 * else the queue, served first-come as connections drain. Closing waits for the queue, then closes every
 * connection; destroying fails what is queued and destroys every connection.
 */
export class SessionPool extends Dispatcher {
  /** `http://host:port`, as undici's Agent keys its pools. */
  readonly origin: string
  readonly #origin: string | URL
  readonly #owner: ClientOwner
  readonly #limit: number
  readonly #clientOptions: Client.Options
  readonly #clients: TrackedClient[] = []
  /** Connections whose dispatch() said "busy" and that have not emitted 'drain' since. */
  readonly #busy = new Set<TrackedClient>()
  readonly #queue: Queued[] = []
  /** A dispatch returned false (queued): 'drain' is owed once the queue is empty again. */
  #needDrain = false
  #closed = false
  #destroyed = false
  #closing: Promise<void> | undefined
  #queueEmptied: (() => void) | undefined

  constructor(origin: string | URL, options: SessionPoolOptions, owner: ClientOwner) {
    super()
    this.#origin = origin
    this.origin = new URL(String(origin)).origin
    this.#owner = owner
    this.#limit = options.connections ?? Number.POSITIVE_INFINITY
    // One connector for every connection of the origin (TLS session reuse included), as undici's Pool does.
    const connect = buildConnector({ ...options.connect })
    this.#clientOptions = {
      ...(options.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeout }),
      connect,
    }
  }

  get closed(): boolean {
    return this.#closed
  }

  get destroyed(): boolean {
    return this.#destroyed
  }

  /** Nothing queued and no connection left open or running: the Agent may forget this pool. */
  get finished(): boolean {
    return this.#queue.length === 0 && this.#clients.every((client) => client.destroyed || client.closed)
  }

  get stats(): SessionPoolStats {
    let connected = 0
    let free = 0
    let pending = this.#queue.length
    let running = 0
    let size = this.#queue.length
    for (const client of this.#clients) {
      const stats = client.stats
      if (stats.connected) {
        connected++
        // A connection whose last response ended takes the next request (see #pick), before undici frees it.
        if (!this.#busy.has(client) || client.endedLastResponse) free++
      }
      pending += stats.pending
      running += stats.running
      size += stats.size
    }
    return { connected, free, pending, queued: this.#queue.length, running, size }
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#destroyed || this.#closed) {
      const error = this.#destroyed ? new errors.ClientDestroyedError() : new errors.ClientClosedError()
      ;(handler as LegacyHandler).onError?.(error)
      return false
    }
    const client = this.#pick()
    if (!client) {
      this.#queue.push({ opts, handler })
      this.#needDrain = true
      return false
    }
    this.#send(client, opts, handler)
    return true
  }

  override close(): Promise<void>
  override close(callback: () => void): void
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true
    this.#closing ??= (
      this.#queue.length === 0 ? Promise.resolve() : new Promise<void>((r) => (this.#queueEmptied = r))
    ).then(async () => {
      await Promise.all(this.#clients.filter((c) => !c.destroyed).map((c) => c.close()))
    })
    if (!callback) return this.#closing
    this.#closing.then(() => callback())
  }

  override destroy(): Promise<void>
  override destroy(err: Error | null): Promise<void>
  override destroy(callback: () => void): void
  override destroy(err: Error | null, callback: () => void): void
  override destroy(...args: unknown[]): Promise<void> | void {
    const callback = typeof args.at(-1) === 'function' ? (args.at(-1) as () => void) : undefined
    const given = args[0] instanceof Error ? args[0] : undefined
    this.#closed = true
    this.#destroyed = true
    // As undici's Pool: what waits in the queue fails with the reason (a stackless one when none is given).
    const reason = given ?? closedQuietly()
    for (const item of this.#queue.splice(0)) (item.handler as LegacyHandler).onError?.(reason)
    this.#queueEmptied?.()
    const destroyed = this.#clients.map((c) => (given ? c.destroy(given) : c.destroy()))
    const done = Promise.all(destroyed).then(() => undefined)
    if (!callback) return done
    done.then(() => callback())
  }

  #pick(): TrackedClient | undefined {
    // Requests queued here came first: they get the next connection that drains, as in undici's Pool.
    if (this.#queue.length > 0) return undefined
    let notBusy: TrackedClient | undefined
    for (let i = 0; i < this.#clients.length; i++) {
      const client = this.#clients[i]!
      if (client.destroyed) {
        this.#clients.splice(i--, 1)
        this.#busy.delete(client)
        continue
      }
      if (client.endedLastResponse) return client
      if (!notBusy && !this.#busy.has(client)) notBusy = client
    }
    if (notBusy) return notBusy
    return this.#clients.length < this.#limit ? this.#addClient() : undefined
  }

  #send(client: TrackedClient, opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    // false also comes back for a request undici rejected at once (a bad header through session.dispatcher):
    // it failed through its handler and the connection holds nothing, so no 'drain' will come. Counted as
    // busy, the connection stayed busy for good, and with socketsPerOrigin every later request waited forever.
    if (!client.dispatch(opts, handler) && client.stats.size > 0) this.#busy.add(client)
  }

  #addClient(): TrackedClient {
    const client = new TrackedClient(this.#origin, this.#clientOptions, this.#owner)
    client
      .on('drain', () => this.#onDrain(client))
      .on('connect', (origin, targets) => this.emit('connect', origin, [this, ...targets]))
      .on('disconnect', (origin, targets, err) => this.emit('disconnect', origin, [this, ...targets], err))
      .on('connectionError', (origin, targets, err) =>
        this.emit('connectionError', origin, [this, ...targets], err),
      )
    this.#clients.push(client)
    return client
  }

  /** A connection can take a request again: it takes the queue's, first come first served. */
  #onDrain(client: TrackedClient): void {
    this.#busy.delete(client)
    while (this.#queue.length > 0 && !this.#busy.has(client) && !client.destroyed) {
      const { opts, handler } = this.#queue.shift()!
      this.#send(client, opts, handler)
    }
    if (this.#queue.length > 0) return
    this.#queueEmptied?.()
    this.#queueEmptied = undefined
    if (this.#needDrain) {
      this.#needDrain = false
      // With its targets, as undici's dispatchers emit it (its types list the origin only).
      Reflect.apply(this.emit, this, ['drain', this.#origin, [this, client]])
    }
  }
}
