import type { Socket } from 'node:net'
import { type CapturedStack, resolveCallSite } from './call-site.js'
import type { Arrival } from './errors.js'
import { isReplayable } from './stale-retry.js'
import type { RequestRecord } from './types.js'

/** What the client layer lends a request while one attempt of it runs on a socket. */
export interface AttemptLink {
  readonly socket: Socket
  /** Fails this attempt (and so the request) with `reason`. */
  abort(reason: Error): void
  /** What of the response has arrived so far on this attempt. */
  arrival(): Arrival
}

/**
 * One request as it passes the layers: the immutable facts about it (method, URL, where it was made) plus
 * a few links, each written by one layer through a method named for it:
 * - the session's RequestWatch calls `abort()` (timeout or signal);
 * - the SessionAgent calls `enter()` with undici's handler;
 * - a TrackedClient calls `beginAttempt()` / `responseStarted()` / `endAttempt()`.
 * It is keyed by the dispatch options object, which is handed unchanged from the Agent to the SessionPool
 * to the Client, so every layer finds the same context.
 */
export class RequestContext {
  readonly method: string
  readonly url: string
  readonly startedAt = Date.now()
  readonly stack: CapturedStack
  /** Whether the request may be sent again after a stale pooled socket fails (see stale-retry.ts). */
  readonly replayable: boolean
  #handler: { onError?(err: Error): void } | undefined
  #abortReason: Error | undefined
  #attempt: AttemptLink | undefined
  #lastSocket: Socket | undefined
  #attempts = 0
  #responseStarted = false
  #settled = false

  constructor(method: string, url: string, replayable: boolean, stack: CapturedStack) {
    this.method = method
    this.url = url
    this.replayable = replayable
    this.stack = stack
  }

  // --- the agent layer ---

  /**
   * The request entered the session's dispatcher with this handler. Failing it directly rejects the
   * caller's promise while the request still waits for a connection, which undici's own abort would not do
   * until one is free.
   */
  enter(handler: { onError?(err: Error): void }): void {
    this.#handler = handler
  }

  // --- the session layer ---

  /** Why the request was aborted (timeout or signal), once it was. */
  get abortReason(): Error | undefined {
    return this.#abortReason
  }

  /** Aborts the request wherever it is: on its socket, or still waiting for one. */
  abort(reason: Error): void {
    if (this.#settled || this.#abortReason) return
    this.#abortReason = reason
    if (this.#attempt) this.#attempt.abort(reason)
    // When the request reaches a connection later, its TrackedClient fails it before it is written.
    else this.#handler?.onError?.(reason)
  }

  // --- the client layer ---

  /** An attempt starts on a socket; returns its number (2 for a replay after a stale socket). */
  beginAttempt(link: AttemptLink): number {
    this.#attempt = link
    this.#responseStarted = false
    return ++this.#attempts
  }

  /** Final response headers arrived on the current attempt. */
  responseStarted(): void {
    this.#responseStarted = true
  }

  /** The attempt ended. `final` is false when it will be replayed. */
  endAttempt(link: AttemptLink | undefined, final: boolean): void {
    if (link) this.#lastSocket = link.socket
    if (link && this.#attempt === link) this.#attempt = undefined
    if (final) this.#settled = true
  }

  /** How many attempts started (0 while it waits for a connection). */
  get attempts(): number {
    return this.#attempts
  }

  /** What of the response has arrived on the current attempt; undefined while it waits for a connection. */
  arrival(): Arrival | undefined {
    return this.#attempt?.arrival()
  }

  /** The socket carrying the current attempt, if one is running. */
  get socket(): Socket | undefined {
    return this.#attempt?.socket
  }

  /** The socket of the last attempt that ended, kept after the attempt let go of it. */
  get lastSocket(): Socket | undefined {
    return this.#lastSocket
  }

  /** True once the request ended or failed for good (a stale-socket replay is not the end). */
  get settled(): boolean {
    return this.#settled
  }

  /** A context for a request that came through `session.dispatcher` (undici.request, fetch, …). */
  static fromDispatch(
    opts: { method: string; path: string; origin?: string | URL; headers?: unknown; body?: unknown },
    fallbackOrigin: string,
    stack: CapturedStack,
  ): RequestContext {
    const origin = opts.origin ? originOf(opts.origin) : fallbackOrigin
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
      responseStarted: this.#responseStarted,
    }
  }
}

/**
 * The context rides on the dispatch options under a symbol: as a plain property when spinup made the
 * options object (the session's own requests), as a non-enumerable one on options made by someone else
 * (undici.request, fetch), so the caller's object enumerates and serialises as it did. Only options that
 * cannot take a property (frozen, sealed) map to their context through a WeakMap: a WeakMap entry per
 * request is an ephemeron the GC must trace, and it made the dispatcher path's GC time 4× the session's.
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
  if (Object.isExtensible(opts)) {
    Object.defineProperty(opts, kContext, { value: context, configurable: true, writable: true })
  } else {
    foreignContexts.set(opts, context)
  }
}

/**
 * The last origin string normalised. A session's dispatcher sees one origin request after request, and
 * parsing it again (new URL) for each was a tenth of what the dispatcher path adds to a request.
 */
let lastOrigin: { readonly given: string; readonly origin: string } | undefined

function originOf(given: string | URL): string {
  if (typeof given !== 'string') return given.origin
  if (lastOrigin?.given === given) return lastOrigin.origin
  const origin = new URL(given).origin
  lastOrigin = { given, origin }
  return origin
}
