import { Dispatcher } from 'undici'
import type { CookieStore } from './cookie-jar.js'

type AnyHandler = Dispatcher.DispatchHandler & Record<string, unknown>
type Method = (...args: unknown[]) => unknown
type Headers = Dispatcher.DispatchOptions['headers']

/**
 * The session's dispatcher when it has a cookie jar: every request through it, the session's own and
 * those of code under test (`fetch` routed through `session.dispatcher`), sends the jar's cookies for its
 * URL and stores the cookies its response sets. Everything else is the SessionAgent's job.
 */
export class CookieDispatcher extends Dispatcher {
  readonly #inner: Dispatcher
  readonly #cookies: CookieStore

  constructor(inner: Dispatcher, cookies: CookieStore) {
    super()
    this.#inner = inner
    this.#cookies = cookies
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const url = `${opts.origin instanceof URL ? opts.origin.origin : (opts.origin ?? '')}${opts.path}`
    const cookie = this.#cookies.requestCookies(url)
    // A new options object only when there is a cookie to add: the caller's stays as it was.
    const sent = cookie ? { ...opts, headers: withCookie(opts.headers, cookie) } : opts
    const store = (setCookies: readonly string[]) => this.#cookies.storeResponseCookies(url, setCookies)
    return this.#inner.dispatch(sent, storingCookies(handler, store))
  }

  /** undici's Agent stats, so tools that read a dispatcher's stats see the session's. */
  get stats(): unknown {
    return (this.#inner as unknown as { stats: unknown }).stats
  }

  override close(...args: unknown[]): never {
    return (this.#inner.close as Method).apply(this.#inner, args) as never
  }

  override destroy(...args: unknown[]): never {
    return (this.#inner.destroy as Method).apply(this.#inner, args) as never
  }
}

/**
 * The request's headers with the jar's cookies added. A Cookie header the caller set is kept, first, and
 * a jar cookie of the same name is left out, so an explicit cookie wins (as in Python requests).
 */
function withCookie(headers: Headers, jarCookies: string): Headers {
  const pairs = headerPairs(headers)
  const explicit = pairs.filter(([name]) => name.toLowerCase() === 'cookie').map(([, value]) => value)
  if (explicit.length === 0) return [...pairs, ['cookie', jarCookies]].flat()
  const given = explicit.join('; ')
  const names = new Set(given.split(';').map((part) => part.split('=')[0]!.trim()))
  const extra = jarCookies.split('; ').filter((part) => !names.has(part.split('=')[0]!))
  const merged = extra.length ? `${given}; ${extra.join('; ')}` : given
  return [...pairs.filter(([name]) => name.toLowerCase() !== 'cookie'), ['cookie', merged]].flat()
}

/** Every form undici accepts (object, flat array, array of pairs, iterable) as [name, value] pairs. */
function headerPairs(headers: Headers): [string, string][] {
  if (headers == null) return []
  const out: [string, string][] = []
  const add = (name: unknown, value: unknown) => {
    if (value === undefined) return
    for (const v of Array.isArray(value) ? value : [value]) out.push([String(name), String(v)])
  }
  if (Array.isArray(headers)) {
    if (Array.isArray(headers[0]))
      for (const [name, value] of headers as unknown as [string, string][]) add(name, value)
    else for (let i = 0; i < headers.length; i += 2) add(headers[i], headers[i + 1])
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [name, value] of headers as Iterable<[string, string]>) add(name, value)
  } else {
    for (const [name, value] of Object.entries(headers)) add(name, value)
  }
  return out
}

/** The Set-Cookie values of undici's raw header list ([name, value, name, value, …] as Buffers). */
function setCookiesOfRaw(raw: readonly (Buffer | string)[]): string[] {
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.length === 10 && name.toString('latin1').toLowerCase() === 'set-cookie')
      out.push(raw[i + 1]!.toString('latin1'))
  }
  return out
}

/**
 * Wraps a handler to hand the response's Set-Cookie headers to `store` before the caller sees them, in
 * the handler's own style: the session's agent relies on a request-API handler keeping its `onError`
 * (it fails a queued request through it), which undici's DecoratorHandler would convert away.
 */
function storingCookies(
  handler: Dispatcher.DispatchHandler,
  store: (setCookies: readonly string[]) => void,
): Dispatcher.DispatchHandler {
  const inner = handler as AnyHandler
  const call = (name: string, args: unknown[]) => (inner[name] as Method | undefined)?.apply(inner, args)
  if (typeof inner.onRequestStart === 'function') {
    return {
      onRequestStart: (...args: unknown[]) => call('onRequestStart', args),
      onRequestUpgrade: (...args: unknown[]) => call('onRequestUpgrade', args),
      onResponseStart: (...args: unknown[]) => {
        const cookies = (args[2] as Record<string, string | string[] | undefined>)['set-cookie']
        if (cookies !== undefined) store(typeof cookies === 'string' ? [cookies] : cookies)
        return call('onResponseStart', args)
      },
      onResponseData: (...args: unknown[]) => call('onResponseData', args),
      onResponseEnd: (...args: unknown[]) => call('onResponseEnd', args),
      onResponseError: (...args: unknown[]) => call('onResponseError', args),
    } as unknown as Dispatcher.DispatchHandler
  }
  const forward =
    (name: string) =>
    (...args: unknown[]) =>
      call(name, args)
  return {
    onConnect: forward('onConnect'),
    onHeaders: (...args: unknown[]) => {
      const cookies = setCookiesOfRaw(args[1] as Buffer[])
      if (cookies.length) store(cookies)
      return typeof inner.onHeaders === 'function' ? call('onHeaders', args) : true
    },
    onData: (...args: unknown[]) => (typeof inner.onData === 'function' ? call('onData', args) : true),
    onComplete: forward('onComplete'),
    onError: (err: Error) => {
      if (typeof inner.onError !== 'function') throw err
      return call('onError', [err])
    },
    onUpgrade: forward('onUpgrade'),
    onResponseStarted: forward('onResponseStarted'),
    onBodySent: forward('onBodySent'),
    onRequestSent: forward('onRequestSent'),
  } as unknown as Dispatcher.DispatchHandler
}
