import type { Dispatcher } from 'undici'

/** What a TrackedClient wants to hear about one request as undici runs it. */
export interface RequestHooks {
  /**
   * undici is about to write the request on the client's socket. Receives undici's abort function and
   * returns the one the caller's handler should get; throws to fail the request before it is written.
   */
  start(abort: (reason?: Error) => void): (reason?: Error) => void
  /** The caller's handler has its abort function; undici writes the request next. */
  written(): void
  /** Response headers arrived (`status` < 200 for an interim 1xx response). */
  responseStart(status: number): void
  /** Body bytes arrived. */
  data(bytes: number): void
  /** The response completed. */
  end(): void
  /**
   * The request failed. Returns the error the caller's handler should see (the same one, or a clearer
   * one), or null when the request was dispatched again and the caller must not hear of this attempt.
   */
  error(err: Error): Error | null
}

type AnyHandler = Dispatcher.DispatchHandler & Record<string, unknown>
type Method = (...args: unknown[]) => unknown

/**
 * Wraps a dispatch handler so the hooks run before the caller's handler hears each event. By the time a
 * request reaches a TrackedClient, undici's Agent (its DispatcherBase) has turned every handler into the
 * onConnect/onHeaders/onData/onComplete/onError style (DispatcherBase.dispatch unwraps the newer
 * onRequestStart style), so that is the one style wrapped here.
 */
export function trackHandler(
  handler: Dispatcher.DispatchHandler,
  hooks: RequestHooks,
): Dispatcher.DispatchHandler {
  const inner = handler as AnyHandler
  if (typeof inner.onRequestStart === 'function') {
    throw new TypeError('trackHandler expects a handler already unwrapped by undici (onConnect style).')
  }
  const call = (name: string, ...args: unknown[]) => (inner[name] as Method | undefined)?.apply(inner, args)
  const legacy = {
    onConnect(abort: (err?: Error) => void, context?: object) {
      call('onConnect', hooks.start(abort), context)
      hooks.written()
    },
    onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string) {
      hooks.responseStart(statusCode)
      return typeof inner.onHeaders === 'function'
        ? call('onHeaders', statusCode, headers, resume, statusText)
        : true
    },
    onData(chunk: Buffer) {
      hooks.data(chunk.length)
      return typeof inner.onData === 'function' ? call('onData', chunk) : true
    },
    onComplete(trailers: unknown) {
      hooks.end()
      return call('onComplete', trailers)
    },
    onError(err: Error) {
      const reported = hooks.error(err)
      if (!reported) return
      if (typeof inner.onError !== 'function') throw reported
      return call('onError', reported)
    },
    onUpgrade(statusCode: number, headers: unknown, socket: unknown) {
      hooks.end()
      return call('onUpgrade', statusCode, headers, socket)
    },
    onResponseStarted() {
      return call('onResponseStarted')
    },
    onBodySent(chunk: unknown) {
      return call('onBodySent', chunk)
    },
    onRequestSent() {
      return call('onRequestSent')
    },
  }
  return legacy as unknown as Dispatcher.DispatchHandler
}
