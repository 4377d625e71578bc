import { type CapturedStack, resolveCallSite } from './call-site.js'
import type { Deadline, DeadlineList } from './deadline-list.js'
import { RequestTimeoutError } from './errors.js'
import { isReplayable } from './stale-retry.js'
import type { RequestRecord } from './types.js'

/**
 * What spinup knows about one request while it runs. It is keyed by the dispatch options object, which
 * undici hands unchanged from the Agent to the Pool to the Client, so every layer finds the same context.
 */
export class RequestContext implements Deadline {
  readonly method: string
  readonly url: string
  readonly startedAt = Date.now()
  readonly stack: CapturedStack
  /** Whether the request may be sent again after a stale pooled socket fails (see stale-retry.ts). */
  readonly replayable: boolean
  responseStarted = false
  /** Set when the request went out on a socket that had already carried one. */
  reusedSocket = false
  retried = false
  /** The socket carrying the request now, once undici has written it. */
  socket: import('node:net').Socket | undefined
  /** Aborts the request on its socket; set while undici runs it (see TrackedClient). */
  abort: ((reason: Error) => void) | undefined
  /** Why the request was aborted, once it was. */
  abortReason: Error | undefined
  /** True once the request ended or failed for good (a stale-socket replay is not the end). */
  settled = false
  /** The request's own timeout in ms (0: none), and what enforces it: the session's list or a timer. */
  timeout = 0
  deadlines: DeadlineList | undefined
  timer: NodeJS.Timeout | undefined
  // The Deadline fields, for the session's DeadlineList.
  at = 0
  prev: Deadline | undefined
  next: Deadline | undefined
  listed = false
  /** Stops listening to the caller's signal. */
  unlisten: (() => void) | undefined
  /**
   * The handler undici's request API gave the dispatcher. Failing it directly rejects the caller's promise
   * while the request still waits for a connection, which undici's own abort would not do until one is free.
   */
  handler: { onError?(err: Error): void } | undefined
  /** Resolves once undici has handed the connection back to the pool (set by TrackedClient's end hook). */
  released: Promise<void> | undefined

  constructor(method: string, url: string, replayable: boolean, stack: CapturedStack) {
    this.method = method
    this.url = url
    this.replayable = replayable
    this.stack = stack
  }

  /** Starts the request's timeout: in the session's shared list when given one, else on its own timer. */
  startTimeout(timeout: number, deadlines: DeadlineList | undefined): void {
    this.timeout = timeout
    if (deadlines) {
      this.at = Date.now() + timeout
      this.deadlines = deadlines
      deadlines.add(this)
    } else {
      this.timer = setTimeout(() => this.expire(), timeout)
    }
  }

  /** The timeout passed. */
  expire(): void {
    this.requestAbort(new RequestTimeoutError(this.method, this.url, this.timeout))
  }

  /** Clears the timeout (the response headers of a stream arrived, or the request is over). */
  clearTimeout(): void {
    this.deadlines?.remove(this)
    clearTimeout(this.timer)
  }

  /** Clears the timeout and stops listening to the signal: the request is over. */
  stopWatching(): void {
    this.clearTimeout()
    this.unlisten?.()
  }

  /** Aborts the request wherever it is: on its socket, or still waiting for one. */
  requestAbort(reason: Error): void {
    if (this.settled || this.abortReason) return
    this.abortReason = reason
    if (this.abort) this.abort(reason)
    // When the request reaches a connection later, TrackedClient fails it before it is written.
    else this.handler?.onError?.(reason)
  }

  /** A context for a request that came through `session.dispatcher` (undici.request, fetch, …). */
  static fromDispatch(
    opts: { method: string; path: string; origin?: string | URL; headers?: unknown; body?: unknown },
    fallbackOrigin: string,
    stack: CapturedStack,
  ): RequestContext {
    const origin = opts.origin ? new URL(String(opts.origin)).origin : fallbackOrigin
    return new RequestContext(
      opts.method,
      `${origin}${opts.path}`,
      isReplayable(opts.method, opts.headers, opts.body),
      stack,
    )
  }

  toRecord(): RequestRecord {
    return {
      method: this.method,
      url: this.url,
      startedAt: this.startedAt,
      callSite: resolveCallSite(this.stack),
      responseStarted: this.responseStarted,
    }
  }
}

/**
 * The context rides on the dispatch options under a symbol when spinup made the options object (the
 * session's own requests: no lookup, nothing for the GC to trace); options made by someone else
 * (undici.request, fetch) are not ours to write on, and map to their context through a WeakMap.
 */
const kContext = Symbol('spinup.requestContext')
const foreignContexts = new WeakMap<object, RequestContext>()

type WithContext = { [kContext]?: RequestContext }

export function contextOf(opts: object): RequestContext | undefined {
  return (opts as WithContext)[kContext] ?? foreignContexts.get(opts)
}

/** Attaches a context to options the session created itself. */
export function attachOwnContext(opts: object, context: RequestContext): void {
  ;(opts as WithContext)[kContext] = context
}

/** Attaches a context to options created outside spinup. */
export function attachContext(opts: object, context: RequestContext): void {
  foreignContexts.set(opts, context)
}
