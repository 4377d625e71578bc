import type { Dispatcher } from 'undici'

/** What a TrackedClient wants to hear about one request as undici runs it. */
export interface RequestHooks {
  /**
   * undici is about to write the request on the client's socket. Receives undici's abort function and
   * returns the one the caller's handler should get.
   */
  start(abort: (reason?: Error) => void): (reason?: Error) => void
  /** The caller's handler has its abort function; undici writes the request next. */
  written(): void
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
type Method = (...args: unknown[]) => unknown

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
  const call = (name: string, ...args: unknown[]) => (inner[name] as Method | undefined)?.apply(inner, args)
  if (typeof inner.onRequestStart === 'function') {
    // The caller gets a controller whose abort() goes through the hooks; everything else is undici's.
    let facade: Dispatcher.DispatchController | undefined
    const controllerFor = (controller: Dispatcher.DispatchController) => {
      if (!facade) {
        const abort = hooks.start((reason) => controller.abort(reason ?? new Error('aborted')))
        facade = Object.create(controller, {
          abort: { value: (reason: Error) => abort(reason) },
        }) as Dispatcher.DispatchController
      }
      return facade
    }
    const modern: Dispatcher.DispatchHandler = {
      onRequestStart(controller, context) {
        call('onRequestStart', controllerFor(controller), context)
        hooks.written()
      },
      onRequestUpgrade(controller, statusCode, headers, socket) {
        hooks.end()
        call('onRequestUpgrade', controllerFor(controller), statusCode, headers, socket)
      },
      onResponseStart(controller, statusCode, headers, statusMessage) {
        hooks.responseStart()
        call('onResponseStart', controllerFor(controller), statusCode, headers, statusMessage)
      },
      onResponseData(controller, chunk) {
        call('onResponseData', controllerFor(controller), chunk)
      },
      onResponseEnd(controller, trailers) {
        hooks.end()
        call('onResponseEnd', controllerFor(controller), trailers)
      },
      onResponseError(controller, err) {
        const reported = hooks.error(err)
        if (reported) call('onResponseError', controllerFor(controller), reported)
      },
    }
    return modern
  }
  const legacy = {
    onConnect(abort: (err?: Error) => void, context?: object) {
      call('onConnect', hooks.start(abort), context)
      hooks.written()
    },
    onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string) {
      hooks.responseStart()
      return typeof inner.onHeaders === 'function'
        ? call('onHeaders', statusCode, headers, resume, statusText)
        : true
    },
    onData(chunk: Buffer) {
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
