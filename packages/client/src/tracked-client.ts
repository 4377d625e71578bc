import type { Socket } from 'node:net'
import { Client, type Dispatcher, errors, type Pool } from 'undici'
import { type Arrival, StaleConnectionError } from './errors.js'
import { destroyArgs } from './quiet-teardown.js'
import { type AttemptLink, attachContext, contextOf, RequestContext } from './request-context.js'
import { requestFailure } from './request-failure.js'
import type { LiveSocket, SocketRegistry } from './socket-registry.js'
import { judgeFailure } from './stale-retry.js'
import { trackHandler } from './tracking-handler.js'

type Connector = (
  options: object,
  callback: (err: Error | null, socket: Socket | null) => void,
) => Socket | undefined

/** What a TrackedClient needs from the session that owns it. */
export interface ClientOwner {
  readonly registry: SocketRegistry
  /** Whether a replayable request that met a stale socket is sent again (SessionOptions.retryStale). */
  readonly retryStale: boolean
  /** Sends a request again through the whole dispatcher chain, so the pool picks a client afresh. */
  redispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void
}

/**
 * An undici Client (one connection, one request at a time) that reports its socket to the session's
 * registry and attributes each request to that socket. A SessionPool of these per origin, under one Agent,
 * is the whole session: undici does the HTTP, the pool picks connections and queues; this class only
 * watches. It owns the state of each attempt (socket, what arrived) and makes the stale-retry call from it.
 */
export class TrackedClient extends Client {
  readonly #owner: ClientOwner
  readonly #origin: string
  #live: LiveSocket | undefined
  /** Requests handed to undici and not yet started on the socket: what a new connection would be for. */
  readonly #waiting = new Set<RequestContext>()
  constructor(origin: string | URL, options: Pool.Options, owner: ClientOwner) {
    const base = options.connect as unknown as Connector
    const connect: Connector = (params, callback) => {
      const waiting = [...this.#waiting]
      if (waiting.length > 0 && waiting.every((context) => context.abortReason)) {
        // Every request this connection would be for was aborted while it waited (its caller was told).
        // undici 7.30.2 connects for a queued request before it looks at it, so without this a timeout or
        // abort behind a busy connection opens a connection that carries nothing. Failing the connect
        // instead fails those (already failed) requests and opens no socket.
        callback(waiting[0]!.abortReason!, null)
        return undefined
      }
      const socket = base(params, (err, connected) => {
        if (!err && connected) this.#live = owner.registry.add(connected, this.#origin)
        callback(err, connected)
      })
      if (socket) owner.registry.connecting(socket)
      return socket
    }
    super(origin, { ...options, connect: connect as unknown as Client.Options['connect'], pipelining: 1 })
    this.#owner = owner
    this.#origin = new URL(String(origin)).origin
  }

  /**
   * True while the connection is open and carries nothing: its last response ended (undici frees it a turn
   * later) and no request waits for it. A request dispatched now is written on it after that turn.
   */
  get endedLastResponse(): boolean {
    const live = this.#live
    return (
      live !== undefined &&
      live.request === undefined &&
      !live.socket.destroyed &&
      this.#waiting.size === 0 &&
      !this.closed
    )
  }

  // undici's close() ends with destroy() and no reason, which builds an error with a stack for nobody.
  override destroy(...args: unknown[]): never {
    return Reflect.apply(super.destroy, this, destroyArgs(args)) as never
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    let context = contextOf(opts)
    if (!context) {
      // Dispatched straight to the pool, past the session's dispatcher: still tracked, without a call site.
      context = RequestContext.fromDispatch(opts, this.#origin, {})
      attachContext(opts, context)
    }
    if (context.abortReason) {
      // Aborted (timeout or signal) while it waited in the pool's queue; its caller was told already. Handed
      // to undici now, it would make this client open a connection for a request it then fails unwritten
      // (undici 7.30.2 connects before it looks at the request): a phantom connection. So it ends here.
      ;(handler as { onError?(err: Error): void }).onError?.(context.abortReason)
      return true
    }
    this.#waiting.add(context)
    return super.dispatch(opts, trackHandler(handler, this.#hooks(opts, handler, context)))
  }

  #hooks(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler, context: RequestContext) {
    const registry = this.#owner.registry
    // The state of this attempt, owned here.
    let live: LiveSocket | undefined
    let link: AttemptLink | undefined
    let attempt = 0
    let reusedSocket = false
    let settled = false
    let written = false
    let bytesAtStart = 0
    let status: number | undefined
    let bodyBytes = 0
    let undiciAbort: ((reason?: Error) => void) | undefined
    const abort = (reason?: Error) => {
      const socket = live?.socket
      if (settled || !written || !socket || socket.destroyed) return undiciAbort?.(reason)
      // Fail the request by destroying its socket with the reason, not through undici's abort. undici
      // ends the socket with an informational error that leaves the aborted request queued, and the
      // client then opens a new connection for it before it notices the abort (undici 7.30): a phantom
      // connection after every abort or timeout. An error on the socket takes the request off the queue.
      socket.destroy(reason ?? new errors.RequestAbortedError())
    }
    const arrival = (): Arrival => ({
      bytes: live ? live.socket.bytesRead - bytesAtStart : 0,
      status,
      bodyBytes,
    })
    const finish = (final: boolean) => {
      settled = true
      this.#waiting.delete(context)
      context.endAttempt(link, final)
      if (live) registry.endRequest(live, context)
    }
    return {
      start: (givenAbort: (reason?: Error) => void) => {
        // Timed out or aborted while it waited for a connection: fail it before it is written. undici turns
        // an error thrown here into a failed request and leaves the healthy socket to the pool.
        this.#waiting.delete(context)
        if (context.abortReason) throw context.abortReason
        undiciAbort = givenAbort
        live = this.#live
        if (!live || live.socket.destroyed) return givenAbort
        bytesAtStart = live.socket.bytesRead
        reusedSocket = registry.beginRequest(live, context)
        link = { socket: live.socket, abort, arrival }
        attempt = context.beginAttempt(link)
        return abort
      },
      written: () => {
        // undici writes the request right after this; until then, aborting it is undici's own job.
        written = true
      },
      responseStart: (statusCode: number) => {
        // An interim 1xx (103 Early Hints) is not the response; undici reads the final one after it.
        if (statusCode < 200) return
        status = statusCode
        context.responseStarted()
      },
      data: (bytes: number) => {
        bodyBytes += bytes
      },
      end: () => finish(true),
      error: (err: Error): Error | null => {
        const verdict = judgeFailure({
          err,
          reusedSocket,
          bytesReceived: arrival().bytes,
          attempt,
          replayable: context.replayable,
          retryStale: this.#owner.retryStale,
          aborted: context.abortReason !== undefined,
        })
        finish(verdict !== 'replay')
        if (written && live && !live.socket.destroyed) {
          // undici fails a request whose body stream errored through its own abort, which destroys the
          // socket with an informational error; its close handler then leaves the request queued and
          // connects again for it (undici 7.30.2): a second connection for one request. A real error on
          // the socket, first, takes the request off undici's queue.
          live.socket.destroy(err)
        }
        if (verdict === 'failed') {
          return context.abortReason ?? requestFailure(err, context, arrival(), opts.body)
        }
        if (verdict === 'stale')
          return new StaleConnectionError(context.method, context.url, err, attempt > 1)
        registry.countRetry()
        // The server dropped one pooled connection; its other idle ones are as suspect (a restart closes
        // them all), so drop them too and let the replay open a fresh connection.
        for (const idle of registry.idleSockets(this.#origin)) idle.socket.destroy()
        this.#owner.redispatch(opts, handler)
        return null
      },
    }
  }
}
