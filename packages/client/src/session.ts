import type { Readable } from 'node:stream'
import tls from 'node:tls'
import { type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { captureStack, type StackCutOff } from './call-site.js'
import { CookieDispatcher } from './cookie-dispatcher.js'
import { CookieStore, type SessionCookies } from './cookie-jar.js'
import { DeadlineList } from './deadline-list.js'
import {
  ConnectionClosedError,
  InvalidCookieError,
  InvalidOptionError,
  InvalidRequestError,
  RequestAbortedError,
  SessionClosedError,
  SpinupError,
} from './errors.js'
import { checkOptionKeys, type KnownKeys, knownKeys } from './option-keys.js'
import { attachOwnContext, RequestContext } from './request-context.js'
import {
  buildBody,
  buildHeaders,
  checkMethod,
  checkTimeout,
  type HeadersInit,
  normalizeHeaders,
  type RequestInit,
  type RequestTarget,
  requestKeyNames,
  requestKeys,
  resolveTarget,
  resolveUrl,
} from './request-input.js'
import { RequestWatch } from './request-watch.js'
import { responseHeaders, SessionResponse, StreamedResponse } from './response.js'
import { SessionAgent } from './session-agent.js'
import { SocketRegistry } from './socket-registry.js'
import { isReplayable } from './stale-retry.js'
import type { SessionStats, SocketRecord, SocketState } from './types.js'

export interface SessionOptions {
  /** Resolves relative request URLs, e.g. `http://127.0.0.1:3000`. */
  baseUrl?: string | URL
  /** Headers sent with every request; a request's own headers win. */
  headers?: HeadersInit
  /** Milliseconds for a whole request, body included (for `stream()`: until the headers). Default 30 000; 0 disables. */
  timeout?: number
  /** The most connections per origin; more requests queue. Default: no limit. */
  connections?: number
  /** How long an idle pooled connection is kept, in ms. Default 4 000 (undici's). */
  keepAliveTimeout?: number
  /** Milliseconds to establish a connection. Default 10 000. */
  connectTimeout?: number
  /** Extra certificate authorities to trust for https (PEM), such as a test server's throwaway certificate. */
  ca?: string | Buffer | readonly (string | Buffer)[]
  /** Replay an idempotent request once when a reused connection turns out to be stale. Default true. */
  retryStale?: boolean
  /**
   * Keep a cookie jar (RFC 6265, on tough-cookie): cookies responses set are sent with later requests,
   * `session.dispatcher`'s included. Default true; false: no jar, Set-Cookie is only reported.
   */
  cookies?: boolean
}

export interface StreamInit extends RequestInit {
  /** Default GET. */
  method?: string
}

/** Which sockets `sockets()` lists. */
export interface SocketFilter {
  origin?: string | URL
  state?: SocketState
}

/** Undoes `routeGlobalFetch()`. */
export interface GlobalFetchRoute {
  restore(): void
  [Symbol.dispose](): void
}

const DEFAULT_TIMEOUT = 30_000

const sessionKeys = knownKeys<SessionOptions>({
  baseUrl: true,
  headers: true,
  timeout: true,
  connections: true,
  keepAliveTimeout: true,
  connectTimeout: true,
  ca: true,
  retryStale: true,
  cookies: true,
})
const streamKeys = knownKeys<StreamInit>({ ...requestKeyNames, method: true })

interface Prepared {
  readonly method: string
  readonly target: RequestTarget
  readonly context: RequestContext
  /** The timeout and the caller's signal; the session's own part of the request. */
  readonly watch: RequestWatch
  readonly options: Dispatcher.RequestOptions
  readonly timeout: number
  readonly signal: AbortSignal | undefined
}

/**
 * A pooled HTTP/1.1 client for tests that knows every socket it holds. Requests are buffered by default,
 * so an unread body never pins a connection; `stream()` is the explicit exception. Between two servers
 * on one port, `closeAllConnections()` guarantees the next request opens a fresh connection.
 */
export class Session {
  /** The base URL relative request URLs resolve against, if one was given. */
  readonly baseUrl: string | undefined
  readonly #base: URL | undefined
  readonly #headers: Record<string, string | string[]>
  readonly #timeout: number
  readonly #registry = new SocketRegistry()
  /** The deadlines of requests that use the session's own timeout (one timer for all of them). */
  readonly #deadlines = new DeadlineList()
  readonly #agent: SessionAgent
  /** What requests go through: the agent, behind the cookie jar when the session has one. */
  readonly #dispatcher: Dispatcher
  readonly #cookies: CookieStore | undefined
  #closing: Promise<void> | undefined

  constructor(options: SessionOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError('new Session(options): options must be an object.')
    }
    checkOptionKeys(options, sessionKeys, 'Session options')
    if (options.baseUrl !== undefined) {
      try {
        this.#base = resolveUrl(options.baseUrl, undefined, undefined)
      } catch (err) {
        throw new InvalidOptionError(`baseUrl: ${(err as Error).message}`)
      }
      this.baseUrl = this.#base.href
    }
    this.#headers = optionCheck('headers', () => normalizeHeaders(options.headers))
    this.#timeout = optionCheck('timeout', () => checkTimeout(options.timeout ?? DEFAULT_TIMEOUT, 'timeout'))
    const keepAliveTimeout = optionCheck('keepAliveTimeout', () =>
      checkTimeout(options.keepAliveTimeout ?? 4_000, 'keepAliveTimeout'),
    )
    const connectTimeout = optionCheck('connectTimeout', () =>
      checkTimeout(options.connectTimeout ?? 10_000, 'connectTimeout'),
    )
    const connections = options.connections
    if (connections !== undefined && (!Number.isInteger(connections) || connections < 1)) {
      throw new InvalidOptionError(`connections must be a whole number ≥ 1, got ${String(connections)}.`)
    }
    const ca = options.ca === undefined ? undefined : [options.ca].flat()
    this.#agent = new SessionAgent(
      {
        keepAliveTimeout,
        connections: connections ?? null,
        // Node's `ca` replaces the default roots; the option adds to them, as its name promises.
        connect: { timeout: connectTimeout, ...(ca ? { ca: [...tls.rootCertificates, ...ca] } : {}) },
      } as ConstructorParameters<typeof SessionAgent>[0],
      this.#registry,
      options.retryStale !== false,
    )
    if (options.cookies !== undefined && typeof options.cookies !== 'boolean') {
      throw new InvalidOptionError(
        `Session option cookies must be true or false, got ${String(options.cookies)}.`,
      )
    }
    this.#cookies = options.cookies === false ? undefined : new CookieStore(this.#base)
    this.#dispatcher = this.#cookies ? new CookieDispatcher(this.#agent, this.#cookies) : this.#agent
  }

  /**
   * The session's cookie jar: `get(url?)`, `set(setCookie, url?)`, `clear()`. Throws SPINUP_INVALID_COOKIE
   * on a session made with `cookies: false`, which has none.
   */
  get cookies(): SessionCookies {
    if (!this.#cookies) {
      throw new InvalidCookieError(
        'This session was created with { cookies: false } and has no cookie jar. Leave the option out (a jar ' +
          "is the default), or read res.headers['set-cookie'] yourself.",
      )
    }
    return this.#cookies
  }

  /** An undici Dispatcher; `undici.request(url, { dispatcher })` and `fetch` through it are tracked too. */
  get dispatcher(): Dispatcher {
    return this.#dispatcher
  }

  get(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('GET', url, init, this.get)
  }
  head(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('HEAD', url, init, this.head)
  }
  post(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('POST', url, init, this.post)
  }
  put(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('PUT', url, init, this.put)
  }
  patch(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('PATCH', url, init, this.patch)
  }
  delete(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('DELETE', url, init, this.delete)
  }
  options(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('OPTIONS', url, init, this.options)
  }

  /** Sends a request and reads the whole response body before resolving; the connection goes back to the pool. */
  request(method: string, url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered(method, url, init, this.request)
  }

  /**
   * Sends a request and resolves at the response headers, leaving the body unread. The response holds its
   * socket (listed as active in `sockets()`) until the body is consumed or the response is disposed.
   */
  async stream(url: string | URL, init: StreamInit = {}): Promise<StreamedResponse> {
    const prepared = this.#prepare(
      init?.method ?? 'GET',
      url,
      init,
      captureStack(this.stream),
      streamKeys,
      'stream() options',
    )
    const { context } = prepared
    const { statusCode, headers, body } = await this.#send(prepared, true)
    const release = async () => {
      await context.released
    }
    const dispose = async () => {
      // A body that arrived whole gave its connection back already; only an unfinished one holds it.
      if (body.readableEnded || context.settled) {
        body.on('error', () => {}).destroy()
        return release()
      }
      const socket = context.socket
      body.on('error', () => {}).destroy()
      if (socket && !socket.closed)
        await new Promise<void>((resolve) => socket.once('close', () => resolve()))
    }
    return new StreamedResponse(this.#meta(prepared, statusCode, headers), body as Readable, release, dispose)
  }

  /** Plain records of the sockets open now, optionally filtered by origin or state. */
  sockets(filter: SocketFilter = {}): SocketRecord[] {
    const origin =
      filter.origin === undefined ? undefined : resolveUrl(filter.origin, undefined, undefined).origin
    return this.#registry.records({
      ...(origin === undefined ? {} : { origin }),
      ...(filter.state === undefined ? {} : { state: filter.state }),
    })
  }

  /** Totals since the session was created, and the sockets open now. */
  stats(): SessionStats {
    return this.#registry.stats()
  }

  /**
   * Closes every socket, idle or active (an active one fails its request), and resolves once the OS has
   * closed them all. The session stays usable: the next request opens a fresh connection.
   */
  closeAllConnections(): Promise<void> {
    return this.#registry.closeAll()
  }

  /**
   * Closes every socket and the session itself; requests still queued fail, later ones reject with
   * SPINUP_SESSION_CLOSED. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#agent
      .destroyAll(new ConnectionClosedError())
      .then(() => this.#registry.closeAll())
    return this.#closing
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /**
   * Routes the process's global `fetch` (Node's built-in one and undici's) through this session until
   * `restore()`, so connections made by the code under test are counted and closed too.
   */
  routeGlobalFetch(): GlobalFetchRoute {
    const previous = getGlobalDispatcher()
    setGlobalDispatcher(this.#dispatcher)
    let restored = false
    const restore = () => {
      if (restored) return
      restored = true
      if (getGlobalDispatcher() === this.#dispatcher) setGlobalDispatcher(previous)
    }
    return { restore, [Symbol.dispose]: restore }
  }

  async #buffered(
    method: string,
    url: string | URL,
    init: RequestInit | undefined,
    caller: StackCutOff,
  ): Promise<SessionResponse> {
    const prepared = this.#prepare(
      method,
      url,
      init ?? {},
      captureStack(caller),
      requestKeys,
      'request options',
    )
    const { statusCode, headers, body } = await this.#send(prepared, false)
    let bytes: Buffer
    try {
      bytes = Buffer.from(await body.arrayBuffer())
    } catch (err) {
      throw await this.#failure(prepared, err)
    } finally {
      prepared.watch.stop()
    }
    // Resolve only once undici has freed the connection, so a request sent right after this one reuses it.
    await prepared.context.released
    return new SessionResponse(this.#meta(prepared, statusCode, headers), bytes)
  }

  #meta(prepared: Prepared, status: number, headers: Dispatcher.ResponseData['headers']) {
    const { method, target } = prepared
    return { method, status, headers: responseHeaders(headers), url: target.href, redirects: [] }
  }

  #prepare(
    method: string,
    url: string | URL,
    init: RequestInit,
    stack: ReturnType<typeof captureStack>,
    keys: KnownKeys,
    where: string,
  ): Prepared {
    const checkedMethod = checkMethod(method)
    if (typeof init !== 'object' || init === null) {
      throw new InvalidRequestError(`The request options must be an object, got ${String(init)}.`)
    }
    checkOptionKeys(init, keys, where)
    const target = resolveTarget(url, this.#base, init.query, init.rawPath)
    if (this.#closing) throw new SessionClosedError(checkedMethod, target.href)
    const headers = buildHeaders(this.#headers, init.headers)
    const body = buildBody(init, headers)
    const timeout = init.timeout === undefined ? this.#timeout : checkTimeout(init.timeout, 'timeout')
    if (init.signal !== undefined && !(init.signal instanceof AbortSignal)) {
      throw new InvalidRequestError(
        'signal must be an AbortSignal, e.g. AbortSignal.timeout(1000) or controller.signal.',
      )
    }
    const context = new RequestContext(
      checkedMethod,
      target.href,
      isReplayable(checkedMethod, headers, body),
      stack,
    )
    const options: Dispatcher.RequestOptions = {
      origin: target.origin,
      path: target.path,
      method: checkedMethod as Dispatcher.HttpMethod,
      headers,
      body: body as Dispatcher.DispatchOptions['body'],
    }
    attachOwnContext(options, context)
    const watch = new RequestWatch(context)
    return { method: checkedMethod, target, context, watch, options, timeout, signal: init.signal }
  }

  async #send(prepared: Prepared, streaming: boolean): Promise<Dispatcher.ResponseData> {
    const { watch, options, timeout, signal } = prepared
    if (signal?.aborted) {
      throw new RequestAbortedError(prepared.method, prepared.target.href, signal.reason)
    }
    // No AbortController goes to undici (it costs a few µs a request, and undici does not reject a request
    // still queued for a connection until it gets one). The timer and the caller's signal abort the request
    // through its socket, or, while it still waits for one, through its handler (RequestContext.abort).
    const sent = this.#dispatcher.request(options)
    if (timeout > 0) watch.startTimeout(timeout, timeout === this.#timeout ? this.#deadlines : undefined)
    if (signal) watch.listen(signal)
    try {
      const response = await sent
      // The timeout covers a stream until its headers; the caller's signal, until its body is done.
      if (streaming) watch.handOverTo(response.body)
      return response
    } catch (err) {
      watch.stop()
      throw await this.#failure(prepared, err)
    }
  }

  /** Turns an undici rejection into spinup's error, once the socket it destroyed is really closed. */
  async #failure(prepared: Prepared, err: unknown): Promise<unknown> {
    const { context } = prepared
    const socket = context.socket
    if (socket?.destroyed && this.#registry.get(socket)) {
      // Still registered: its 'close' is yet to come, and the registry's listener runs before ours.
      await new Promise<void>((resolve) => socket.once('close', () => resolve()))
    }
    return context.abortReason instanceof SpinupError ? context.abortReason : err
  }
}

function optionCheck<T>(name: string, check: () => T): T {
  try {
    return check()
  } catch (err) {
    if (err instanceof InvalidRequestError)
      throw new InvalidOptionError(`Session option ${name}: ${err.message}`)
    throw err
  }
}
