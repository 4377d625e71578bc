import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import tls from 'node:tls'
import { type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { type AuthInit, authorization } from './auth.js'
import { type CapturedStack, captureStack } from './call-site.js'
import { CookieDispatcher } from './cookie-dispatcher.js'
import { CookieStore, type SessionCookies } from './cookie-jar.js'
import { DeadlineList } from './deadline-list.js'
import {
  ConnectionClosedError,
  InvalidCookieError,
  InvalidOptionError,
  InvalidRequestError,
  RedirectError,
  RequestAbortedError,
  SessionClosedError,
  SpinupError,
} from './errors.js'
import { checkOptionKeys, type KnownKeys, knownKeys } from './option-keys.js'
import { teardownError } from './quiet-teardown.js'
import {
  checkRedirectOptions,
  formatChain,
  nextHop,
  type RedirectHop,
  type RedirectMode,
  redirectTarget,
} from './redirect-follow.js'
import { type BodyValue, encodeBody } from './request-body.js'
import { absoluteUrl, checkBoolean, checkCa, checkFraming, checkSocketFilter } from './request-checks.js'
import { attachOwnContext, RequestContext } from './request-context.js'
import {
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
} from './request-input.js'
import { RequestWatch } from './request-watch.js'
import { responseHeaders, SessionResponse, StreamedResponse } from './response.js'
import { formatStatus } from './response-summary.js'
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
  /** The most sockets open at once per origin; more requests queue. Default: no limit. */
  socketsPerOrigin?: number
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
  /** Credentials for every request: Basic `{ username, password }` or `{ bearer }`. A request's own win. */
  auth?: AuthInit
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
  socketsPerOrigin: true,
  keepAliveTimeout: true,
  connectTimeout: true,
  ca: true,
  retryStale: true,
  cookies: true,
  auth: true,
})
const streamKeys = knownKeys<StreamInit>({ ...requestKeyNames, method: true })

/** One request to send, checked: a redirect hop is another Plan. */
interface Plan {
  readonly method: string
  readonly target: RequestTarget
  readonly headers: Record<string, string | string[]>
  readonly body: BodyValue
  readonly timeout: number
  readonly signal: AbortSignal | undefined
  readonly stack: CapturedStack
}

interface Planned {
  readonly plan: Plan
  readonly follow: { readonly mode: RedirectMode; readonly max: number }
}

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
 * Frames captured below a public method for the call site (the user's line is the first one, or the
 * second when a builtin such as Array.prototype.map calls the method). The capture is the largest cost
 * spinup adds to a request (6-11 µs under vitest, measured): it happens in the public method itself, so
 * that V8 walks no frame of the session's own but that one, and it stops after these frames.
 */
const USER_FRAMES = 2

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
  /** The Authorization header of the `auth` option. */
  readonly #authorization: string | undefined
  #closing: Promise<void> | undefined

  constructor(options: SessionOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError('new Session(options): options must be an object.')
    }
    checkOptionKeys(options, sessionKeys, 'Session options')
    if (options.baseUrl !== undefined) {
      this.#base = absoluteUrl(options.baseUrl, 'Session option baseUrl')
      this.baseUrl = this.#base.href
    }
    this.#headers = optionCheck('headers', () => normalizeHeaders(options.headers))
    this.#authorization =
      options.auth === undefined ? undefined : optionCheck('auth', () => authorization(options.auth, 'auth'))
    this.#timeout = optionCheck('timeout', () => checkTimeout(options.timeout ?? DEFAULT_TIMEOUT, 'timeout'))
    const keepAliveTimeout = optionCheck('keepAliveTimeout', () =>
      checkTimeout(options.keepAliveTimeout ?? 4_000, 'keepAliveTimeout'),
    )
    const connectTimeout = optionCheck('connectTimeout', () =>
      checkTimeout(options.connectTimeout ?? 10_000, 'connectTimeout'),
    )
    const socketsPerOrigin = options.socketsPerOrigin
    if (socketsPerOrigin !== undefined && (!Number.isInteger(socketsPerOrigin) || socketsPerOrigin < 1)) {
      throw new InvalidOptionError(
        `socketsPerOrigin must be a whole number ≥ 1, got ${String(socketsPerOrigin)}.`,
      )
    }
    const ca = checkCa(options.ca)
    checkBoolean(options.retryStale, 'retryStale')
    this.#agent = new SessionAgent(
      {
        keepAliveTimeout,
        connections: socketsPerOrigin ?? null,
        // Node's `ca` replaces the default roots; the option adds to them, as its name promises.
        connect: { timeout: connectTimeout, ...(ca ? { ca: [...tls.rootCertificates, ...ca] } : {}) },
      },
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
    return this.#buffered('GET', url, init, captureStack(this.get, USER_FRAMES))
  }
  head(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('HEAD', url, init, captureStack(this.head, USER_FRAMES))
  }
  post(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('POST', url, init, captureStack(this.post, USER_FRAMES))
  }
  put(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('PUT', url, init, captureStack(this.put, USER_FRAMES))
  }
  patch(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('PATCH', url, init, captureStack(this.patch, USER_FRAMES))
  }
  delete(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('DELETE', url, init, captureStack(this.delete, USER_FRAMES))
  }
  options(url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered('OPTIONS', url, init, captureStack(this.options, USER_FRAMES))
  }

  /** Sends a request and reads the whole response body before resolving; the connection goes back to the pool. */
  request(method: string, url: string | URL, init?: RequestInit): Promise<SessionResponse> {
    return this.#buffered(method, url, init, captureStack(this.request, USER_FRAMES))
  }

  /**
   * Sends a request and resolves at the response headers, leaving the body unread. The response holds its
   * socket (listed as active in `sockets()`) until the body is consumed or the response is disposed.
   */
  async stream(url: string | URL, init: StreamInit = {}): Promise<StreamedResponse> {
    const stack = captureStack(this.stream, USER_FRAMES)
    const planned = this.#plan(init?.method ?? 'GET', url, init, stack, streamKeys, 'stream() options')
    const { plan, follow } = planned instanceof Promise ? await planned : planned
    const { prepared, response, redirects } = await this.#exchange(plan, follow, true)
    const { statusCode, headers, body } = response
    const { context } = prepared
    const dispose = async () => {
      // A body that arrived whole gave its connection back already; only an unfinished one holds it.
      if (body.readableEnded || context.settled) {
        body.on('error', () => {}).destroy()
        return
      }
      const socket = context.socket
      body.on('error', () => {}).destroy()
      if (socket && !socket.closed)
        await new Promise<void>((resolve) => socket.once('close', () => resolve()))
    }
    return new StreamedResponse(
      this.#meta(prepared, statusCode, headers, redirects),
      body as Readable,
      dispose,
    )
  }

  /** Plain records of the sockets open now, optionally filtered by origin or state. */
  sockets(filter: SocketFilter = {}): SocketRecord[] {
    return this.#registry.records(checkSocketFilter(filter))
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
      .destroyAll(teardownError(() => new ConnectionClosedError()))
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
    stack: CapturedStack,
  ): Promise<SessionResponse> {
    const planned = this.#plan(method, url, init ?? {}, stack, requestKeys, 'request options')
    const { plan, follow } = planned instanceof Promise ? await planned : planned
    const { prepared, response, redirects } = await this.#exchange(plan, follow, false)
    const bytes = await this.#readAll(prepared, response)
    return new SessionResponse(this.#meta(prepared, response.statusCode, response.headers, redirects), bytes)
  }

  /**
   * Reads a whole body. The next request reuses the connection (SessionPool hands it the one that just
   * ended); a connection undici closes after the response (HEAD, `connection: close`) is closed first, so
   * `stats()` and `sockets()` agree with the OS once the request resolves.
   */
  async #readAll(prepared: Prepared, response: Dispatcher.ResponseData): Promise<Buffer> {
    let bytes: Buffer
    try {
      bytes = Buffer.from(await response.body.arrayBuffer())
    } catch (err) {
      throw await this.#failure(prepared, err)
    } finally {
      prepared.watch.stop()
    }
    await this.#closeSeen(prepared.context.lastSocket)
    return bytes
  }

  /**
   * Sends a plan and, when asked, follows its redirects: each hop is a request of its own (tracked, timed,
   * its body read and its connection released before the next one goes out). Resolves with the last.
   */
  async #exchange(first: Plan, follow: Planned['follow'], streaming: boolean) {
    let plan = first
    const chain: RedirectHop[] = []
    for (;;) {
      const prepared = this.#attempt(plan)
      const response = await this.#send(prepared)
      const location =
        follow.mode === 'manual' ? undefined : redirectTarget(response.statusCode, response.headers)
      if (location === undefined) {
        // The timeout covers a stream until its headers, the caller's signal until its body is done. Only
        // the final response is handed over: a redirect hop's body is read below, under its timeout.
        if (streaming) prepared.watch.handOverTo(response.body)
        return { prepared, response, redirects: chain.map((hop) => hop.location) }
      }
      await this.#readAll(prepared, response)
      const { method, target, headers, body } = plan
      const status = response.statusCode
      const next = nextHop({ method, href: target.href, headers, body }, status, location, chain)
      const hop = { method, url: target.href, status, location: next.href }
      const where = `${first.method} ${first.target.href}`
      if (follow.mode === 'error') {
        throw new RedirectError(
          'SPINUP_REDIRECT',
          `${method} ${target.href} answered ${formatStatus(status)} with Location ${next.href}, and the ` +
            "request said redirect: 'error'. Use redirect: 'follow' to follow it, or leave redirect out to " +
            'get the 3xx response itself.',
          [...chain, hop],
        )
      }
      // The same redirect answered twice to the same request: it will go round forever.
      const seen = chain.some(
        (h) => h.method === hop.method && h.url === hop.url && h.location === hop.location,
      )
      chain.push(hop)
      if (seen) {
        throw new RedirectError(
          'SPINUP_REDIRECT_LOOP',
          `${where}: redirect loop, ${hop.url} redirected to ${hop.location} a second time. The hops:\n` +
            formatChain(chain),
          chain,
        )
      }
      if (chain.length > follow.max) {
        throw new RedirectError(
          'SPINUP_TOO_MANY_REDIRECTS',
          `${where}: more than ${follow.max} redirects (maxRedirects). The hops:\n${formatChain(chain)}`,
          chain,
        )
      }
      plan = { ...plan, ...next, target: resolveTarget(next.href, undefined, undefined, false) } as Plan
    }
  }

  #meta(
    prepared: Prepared,
    status: number,
    headers: Dispatcher.ResponseData['headers'],
    redirects: readonly string[],
  ) {
    const { method, target } = prepared
    return { method, status, headers: responseHeaders(headers), url: target.href, redirects }
  }

  /**
   * Checks a request's method, URL and options, and encodes its body. Synchronous unless the body must be
   * read first (FormData, Blob): a request is dispatched in the same tick it was made, so that a
   * closeAllConnections() called right after it sees it.
   */
  #plan(
    method: string,
    url: string | URL,
    init: RequestInit,
    stack: CapturedStack,
    keys: KnownKeys,
    where: string,
  ): Planned | Promise<Planned> {
    const checkedMethod = checkMethod(method)
    if (typeof init !== 'object' || init === null) {
      throw new InvalidRequestError(`The request options must be an object, got ${String(init)}.`)
    }
    checkOptionKeys(init, keys, where)
    const target = resolveTarget(url, this.#base, init.query, init.rawPath)
    if (this.#closing) throw new SessionClosedError(checkedMethod, target.href)
    const headers = buildHeaders(this.#headers, init.headers)
    if (init.auth !== undefined) headers.authorization = authorization(init.auth, 'auth')
    else if (this.#authorization !== undefined) headers.authorization ??= this.#authorization
    const follow = checkRedirectOptions(init.redirect, init.maxRedirects)
    const timeout = init.timeout === undefined ? this.#timeout : checkTimeout(init.timeout, 'timeout')
    if (init.signal !== undefined && !(init.signal instanceof AbortSignal)) {
      throw new InvalidRequestError(
        'signal must be an AbortSignal, e.g. AbortSignal.timeout(1000) or controller.signal.',
      )
    }
    const body = encodeBody(init, headers)
    const plan = (encoded: BodyValue) => {
      checkFraming(checkedMethod, target.href, headers, encoded)
      return {
        plan: { method: checkedMethod, target, headers, body: encoded, timeout, signal: init.signal, stack },
        follow,
      }
    }
    return body instanceof Promise ? body.then(plan) : plan(body)
  }

  /** One attempt at a plan: its context, watch and undici options. */
  #attempt(plan: Plan): Prepared {
    const { method, target, headers, body, timeout, signal, stack } = plan
    if (this.#closing) throw new SessionClosedError(method, target.href)
    const context = new RequestContext(method, target.href, isReplayable(method, headers, body), stack)
    const options: Dispatcher.RequestOptions = {
      origin: target.origin,
      path: target.path,
      method: method as Dispatcher.HttpMethod,
      headers,
      body: body as Dispatcher.DispatchOptions['body'],
    }
    attachOwnContext(options, context)
    const watch = new RequestWatch(context)
    return { method, target, context, watch, options, timeout, signal }
  }

  async #send(prepared: Prepared): Promise<Dispatcher.ResponseData> {
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
      return await sent
    } catch (err) {
      watch.stop()
      throw await this.#failure(prepared, err)
    }
  }

  /** Resolves once the registry has seen a destroyed socket's 'close' (at once for a live or unknown one). */
  async #closeSeen(socket: Socket | undefined): Promise<void> {
    // Still registered: its 'close' is yet to come, and the registry's listener runs before ours.
    // (events.once would reject on the 'error' a socket destroyed with a reason emits first.)
    if (socket?.destroyed && this.#registry.get(socket))
      await new Promise<void>((resolve) => socket.once('close', () => resolve()))
  }

  /** Turns an undici rejection into spinup's error, once the socket it destroyed is really closed. */
  async #failure(prepared: Prepared, err: unknown): Promise<unknown> {
    const { context } = prepared
    await this.#closeSeen(context.socket)
    if (context.abortReason instanceof SpinupError) return context.abortReason
    // close() fails every queued request with one shared error; name this one in it.
    if (err instanceof ConnectionClosedError && err.method === undefined) {
      return new ConnectionClosedError(context.method, context.url, context.attempts === 0)
    }
    return err
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
