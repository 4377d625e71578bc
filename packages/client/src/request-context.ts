import { type CapturedStack, captureStack, resolveCallSite } from './call-site.js'
import { isReplayable } from './stale-retry.js'
import type { RequestRecord } from './types.js'

/**
 * What spinup knows about one request while it runs. It is keyed by the dispatch options object, which
 * undici hands unchanged from the Agent to the Pool to the Client, so every layer finds the same context.
 */
export class RequestContext {
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
  /** Clears the request's timeout and signal listener (set by the session for its own requests). */
  timer: { clear(): void; clearTimeout(): void } | undefined
  /** Resolves once undici has handed the connection back to the pool (see TrackedClient.whenReleased). */
  released: Promise<void> | undefined

  constructor(method: string, url: string, replayable: boolean, stack: CapturedStack = captureStack()) {
    this.method = method
    this.url = url
    this.replayable = replayable
    this.stack = stack
  }

  /** A context for a request that came through `session.dispatcher` (undici.request, fetch, …). */
  static fromDispatch(
    opts: { method: string; path: string; origin?: string | URL; headers?: unknown; body?: unknown },
    fallbackOrigin: string,
    stack?: CapturedStack,
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

const contexts = new WeakMap<object, RequestContext>()

export function contextOf(opts: object): RequestContext | undefined {
  return contexts.get(opts)
}

export function attachContext(opts: object, context: RequestContext): void {
  contexts.set(opts, context)
}
