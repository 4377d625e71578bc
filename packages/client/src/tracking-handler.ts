import type { Dispatcher } from 'undici'

/** What a TrackedClient wants to hear about one request as undici runs it. */
export interface RequestHooks {
  /** undici is about to write the request on the client's socket. */
  start(): void
  /** Response headers arrived. */
  responseStart(): void
  /** The response completed. */
  end(): void
  /**
   * The request failed. Returns the error the caller's handler should see (the same one, or a clearer
   * one), or null when the request was dispatched again and the caller must not hear of this attempt.
   */
  error(err: Error): Error | null
}

type AnyHandler = Dispatcher.DispatchHandler & Record<string, unknown>

/**
 * Wraps a dispatch handler so the hooks run before the caller's handler hears each event. undici accepts
 * two handler styles (onConnect/onHeaders/… and onRequestStart/onResponseStart/…) and picks the style by
 * the presence of `onRequestStart`, so the wrapper must expose exactly the style of the handler it wraps.
 */
export function trackHandler(
  handler: Dispatcher.DispatchHandler,
  hooks: RequestHooks,
): Dispatcher.DispatchHandler {
  const inner = handler as AnyHandler
  if (typeof inner.onRequestStart === 'function') {
    return {
      onRequestStart(controller, context) {
        hooks.start()
        return inner.onRequestStart?.(controller, context)
      },
      onRequestUpgrade(controller, statusCode, headers, socket) {
        hooks.end()
        return inner.onRequestUpgrade?.(controller, statusCode, headers, socket)
      },
      onResponseStart(controller, statusCode, headers, statusMessage) {
        hooks.responseStart()
        return inner.onResponseStart?.(controller, statusCode, headers, statusMessage)
      },
      onResponseData(controller, chunk) {
        return inner.onResponseData?.(controller, chunk)
      },
      onResponseEnd(controller, trailers) {
        hooks.end()
        return inner.onResponseEnd?.(controller, trailers)
      },
      onResponseError(controller, err) {
        const reported = hooks.error(err)
        if (reported) return inner.onResponseError?.(controller, reported)
      },
    } satisfies Dispatcher.DispatchHandler
  }
  const legacy = {
    onConnect(abort: (err?: Error) => void, context?: object) {
      hooks.start()
      return (inner.onConnect as ((a: typeof abort, c?: object) => void) | undefined)?.call(
        inner,
        abort,
        context,
      )
    },
    onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string) {
      hooks.responseStart()
      const onHeaders = inner.onHeaders as ((...args: unknown[]) => boolean) | undefined
      return onHeaders ? onHeaders.call(inner, statusCode, headers, resume, statusText) : true
    },
    onData(chunk: Buffer) {
      const onData = inner.onData as ((chunk: Buffer) => boolean) | undefined
      return onData ? onData.call(inner, chunk) : true
    },
    onComplete(trailers: unknown) {
      hooks.end()
      return (inner.onComplete as ((t: unknown) => void) | undefined)?.call(inner, trailers)
    },
    onError(err: Error) {
      const reported = hooks.error(err)
      if (!reported) return
      const onError = inner.onError as ((err: Error) => void) | undefined
      if (!onError) throw reported
      return onError.call(inner, reported)
    },
    onUpgrade(statusCode: number, headers: unknown, socket: unknown) {
      hooks.end()
      return (inner.onUpgrade as ((...args: unknown[]) => void) | undefined)?.call(
        inner,
        statusCode,
        headers,
        socket,
      )
    },
    onResponseStarted() {
      return (inner.onResponseStarted as (() => void) | undefined)?.call(inner)
    },
    onBodySent(chunk: unknown) {
      return (inner.onBodySent as ((chunk: unknown) => void) | undefined)?.call(inner, chunk)
    },
    onRequestSent() {
      return (inner.onRequestSent as (() => void) | undefined)?.call(inner)
    },
  }
  return legacy as unknown as Dispatcher.DispatchHandler
}
