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
    // The agent's events are the dispatcher's: code that watches session.dispatcher for connections (or
    // waits for 'drain' after dispatch() returned false) hears them through this wrapper too.
    type Emit = (event: string, ...args: unknown[]) => boolean
    type On = (event: string, listener: (...args: unknown[]) => void) => unknown
    for (const event of ['connect', 'disconnect', 'connectionError', 'drain']) {
      ;(inner.on as On).call(inner, event, (...args) => (this.emit as Emit).call(this, event, ...args))
    }
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const url = `${opts.origin instanceof URL ? opts.origin.origin : (opts.origin ?? '')}${opts.path}`
    const cookie = this.#cookies.requestCookies(url)
    // A new options object only when there is a cookie to add: the caller's stays as it was.
    const sent = cookie ? { ...opts, headers: withCookie(opts.headers, cookie) } : opts
    return this.#inner.dispatch(sent, storingCookies(handler, this.#cookies, url))
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
 * Wraps a handler to hand the response's Set-Cookie headers to the jar before the caller sees them, in
 * the handler's own style: the session's agent relies on a request-API handler keeping its `onError`
 * (it fails a queued request through it), which undici's DecoratorHandler would convert away. One object
 * per request with its methods on the prototype: this runs for every request of a session.
 */
function storingCookies(
  handler: Dispatcher.DispatchHandler,
  cookies: CookieStore,
  url: string,
): Dispatcher.DispatchHandler {
  const inner = handler as AnyHandler
  return (typeof inner.onRequestStart === 'function'
    ? new StoringHandler(inner, cookies, url)
    : new StoringLegacyHandler(inner, cookies, url)) as unknown as Dispatcher.DispatchHandler
}

/** What both handler styles share: the caller's handler, the jar and the request's URL. */
abstract class CookieHandler {
  constructor(
    readonly inner: AnyHandler,
    readonly cookies: CookieStore,
    readonly url: string,
  ) {}
  protected call(name: string, args: unknown[]): unknown {
    return (this.inner[name] as Method | undefined)?.apply(this.inner, args)
  }
  protected store(setCookies: readonly string[]): void {
    if (setCookies.length) this.cookies.storeResponseCookies(this.url, setCookies)
  }
}

/** The onRequestStart/onResponseStart style (undici 7's own fetch and interceptors). */
class StoringHandler extends CookieHandler {
  onRequestStart(...args: unknown[]) {
    return this.call('onRequestStart', args)
  }
  onRequestUpgrade(...args: unknown[]) {
    return this.call('onRequestUpgrade', args)
  }
  onResponseStart(...args: unknown[]) {
    const set = (args[2] as Record<string, string | string[] | undefined>)['set-cookie']
    if (set !== undefined) this.store(typeof set === 'string' ? [set] : set)
    return this.call('onResponseStart', args)
  }
  onResponseData(...args: unknown[]) {
    return this.call('onResponseData', args)
  }
  onResponseEnd(...args: unknown[]) {
    return this.call('onResponseEnd', args)
  }
  onResponseError(...args: unknown[]) {
    return this.call('onResponseError', args)
  }
}

/** The onConnect/onHeaders style (undici.request, Node's built-in fetch). */
class StoringLegacyHandler extends CookieHandler {
  onConnect(...args: unknown[]) {
    return this.call('onConnect', args)
  }
  onHeaders(...args: unknown[]) {
    this.store(setCookiesOfRaw(args[1] as Buffer[]))
    return typeof this.inner.onHeaders === 'function' ? this.call('onHeaders', args) : true
  }
  onData(...args: unknown[]) {
    return typeof this.inner.onData === 'function' ? this.call('onData', args) : true
  }
  onComplete(...args: unknown[]) {
    return this.call('onComplete', args)
  }
  onError(err: Error) {
    if (typeof this.inner.onError !== 'function') throw err
    return this.call('onError', [err])
  }
  onUpgrade(...args: unknown[]) {
    return this.call('onUpgrade', args)
  }
  onResponseStarted(...args: unknown[]) {
    return this.call('onResponseStarted', args)
  }
  onBodySent(...args: unknown[]) {
    return this.call('onBodySent', args)
  }
  onRequestSent(...args: unknown[]) {
    return this.call('onRequestSent', args)
  }
}
