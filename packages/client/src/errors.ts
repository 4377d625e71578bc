import { formatStatus, previewBody } from './response-summary.js'

/**
 * The one error family of every spinup package (client, fixtures, matchers): `instanceof SpinupError`
 * catches them all. Each carries a stable `code` (a public contract: tests and tools tell errors apart by
 * it, never by message text), a `name` equal to its class name, and a message that says what happened and
 * what to do next.
 */
export class SpinupError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    // new.target is the class actually constructed, so every subclass is named for itself.
    this.name = new.target.name
  }
}

/** The request was malformed; thrown before any socket opens. */
export class InvalidRequestError extends SpinupError {
  constructor(message: string) {
    super('SPINUP_INVALID_REQUEST', message)
  }
}

/**
 * An option or argument of a public function of any spinup package is of the wrong type or out of range
 * (`new Session({ timeout: -1 })`, `portIsFree(0)`, `useServer(app, { scope: 'suite' })`). Thrown before
 * any socket or process opens. Specs passed to `useServer`/`startServer` have their own `InvalidSpecError`.
 */
export class InvalidOptionError extends SpinupError {
  constructor(message: string) {
    super('SPINUP_INVALID_OPTION', message)
  }
}

/**
 * An option object had a key spinup does not know: most often a typo (`baseURL`, `header`) that would
 * otherwise do nothing at all. Names the key, where it was given, and the nearest known key.
 */
export class UnknownOptionError extends SpinupError {
  /** The unknown key, as given. */
  readonly key: string
  /** Which option object it was in, e.g. "Session options". */
  readonly where: string
  /** The nearest known key, when one is near enough to be a likely typo. */
  readonly suggestion: string | undefined
  constructor(key: string, where: string, suggestion: string | undefined, known: readonly string[]) {
    super(
      'SPINUP_UNKNOWN_OPTION',
      `${where}: unknown option ${JSON.stringify(key)}` +
        (suggestion ? `; did you mean ${suggestion}?` : '.') +
        ` Known options: ${known.join(', ')}.`,
    )
    this.key = key
    this.where = where
    this.suggestion = suggestion
  }
}

/** `res.json()` on a body that is not JSON: names the request, the response and the start of its body. */
export class NotJsonError extends SpinupError {
  readonly status: number
  readonly contentType: string | undefined
  constructor(
    method: string,
    url: string,
    status: number,
    contentType: string | undefined,
    body: Uint8Array,
    cause: unknown,
  ) {
    super(
      'SPINUP_NOT_JSON',
      `${method} ${url} answered ${formatStatus(status)} with ` +
        `${contentType ? `content-type ${contentType}` : 'no content-type'}, and its body is not JSON ` +
        `(${describeCause(cause)}). Read it with res.text() instead. The body starts:\n` +
        previewBody(body, contentType),
      { cause },
    )
    this.status = status
    this.contentType = contentType
  }
}

/** A cookie given to `session.cookies.set()` that the jar refuses, or the jar of a session without one. */
export class InvalidCookieError extends SpinupError {
  constructor(message: string) {
    super('SPINUP_INVALID_COOKIE', message)
  }
}

/**
 * A redirect that was not followed as asked: `redirect: 'error'` met one (SPINUP_REDIRECT), a loop
 * (SPINUP_REDIRECT_LOOP), more than `maxRedirects` (SPINUP_TOO_MANY_REDIRECTS), a Location that is not an
 * http(s) URL (SPINUP_REDIRECT_INVALID), or a 307/308 that would resend a spent stream body
 * (SPINUP_REDIRECT_BODY). `hops` lists the redirects answered so far.
 */
export class RedirectError extends SpinupError {
  readonly hops: readonly { method: string; url: string; status: number; location: string }[]
  constructor(code: string, message: string, hops: RedirectError['hops']) {
    super(code, message)
    this.hops = hops
  }
}

/** A request was made on a session after `close()`. */
export class SessionClosedError extends SpinupError {
  constructor(method: string, url: string) {
    super(
      'SPINUP_SESSION_CLOSED',
      `${method} ${url}: this session was closed with session.close(). Create a new Session, or use ` +
        'closeAllConnections() when you only want fresh connections.',
    )
  }
}

/**
 * A pooled keep-alive socket failed before any byte of the response arrived, and the request could not
 * be replayed safely (a POST or PATCH without an Idempotency-Key, or a streamed body).
 */
export class StaleConnectionError extends SpinupError {
  constructor(method: string, url: string, cause: unknown, afterRetry = false) {
    super(
      'SPINUP_STALE_CONNECTION',
      `${method} ${url}: the server closed a pooled keep-alive connection before answering ` +
        `(${describeCause(cause)}). Was the server restarted? ` +
        (afterRetry
          ? 'The request was retried once on a fresh connection and failed again. '
          : 'The request was not retried: only idempotent methods, or requests with an Idempotency-Key and ' +
            'a body held in memory, are sent twice. ') +
        'Call session.closeAllConnections() between servers, ' +
        "or use useServer() from '@spinup/fixtures', which does it for you.",
      { cause },
    )
  }
}

/** What had arrived of a response when its request failed. Plain data. */
export interface Arrival {
  /** Bytes the socket received during this attempt (status line, headers, body, or bytes that are no HTTP). */
  readonly bytes: number
  /** The final status code, once the status line and headers were read. */
  readonly status: number | undefined
  /** Body bytes handed to the caller. */
  readonly bodyBytes: number
}

/** The same fact, one spelling: "nothing had arrived", "the status line and headers (200) and 12 body bytes had arrived". */
export function describeArrival(arrival: Arrival): string {
  if (arrival.status !== undefined) {
    const body = arrival.bodyBytes === 0 ? ', no body byte' : ` and ${arrival.bodyBytes} body bytes`
    return `the status line and headers (${arrival.status})${body} had arrived`
  }
  if (arrival.bytes === 0) return 'nothing of a response had arrived'
  return `${arrival.bytes} bytes had arrived, but no status line and headers undici could read`
}

/** The stable codes a RequestFailedError carries. */
export type RequestFailureCode =
  | 'SPINUP_CONNECTION_REFUSED'
  | 'SPINUP_CONNECTION_RESET'
  | 'SPINUP_CONNECT_TIMEOUT'
  | 'SPINUP_BAD_RESPONSE'
  | 'SPINUP_UNEXPECTED_INTERIM'
  | 'SPINUP_HEADERS_TOO_LARGE'
  | 'SPINUP_CONTENT_LENGTH_MISMATCH'
  | 'SPINUP_TLS_UNTRUSTED'
  | 'SPINUP_TLS_FAILED'
  | 'SPINUP_REQUEST_BODY_FAILED'
  | 'SPINUP_REQUEST_FAILED'

/**
 * A request failed on the network or on a response undici could not read: refused, reset, garbage instead
 * of HTTP, a certificate not trusted, too-large headers, a body shorter than its Content-Length. The
 * message names the request, what had arrived of the response and what to do; `cause` is the original
 * error from undici or Node.
 */
export class RequestFailedError extends SpinupError {
  declare readonly code: RequestFailureCode
  readonly method: string
  readonly url: string
  readonly arrival: Arrival
  constructor(
    code: RequestFailureCode,
    request: { method: string; url: string },
    what: string,
    arrival: Arrival,
    fix: string,
    cause: unknown,
  ) {
    super(
      code,
      `${request.method} ${request.url} failed: ${what} (${describeCause(cause)}); ${describeArrival(arrival)}. ${fix}`,
      { cause },
    )
    this.method = request.method
    this.url = request.url
    this.arrival = arrival
  }
}

/** The session closed the connection under a running request (closeAllConnections() or close()). */
export class ConnectionClosedError extends SpinupError {
  /** The request cut off; undefined for a connection still being established. */
  readonly method: string | undefined
  readonly url: string | undefined
  /** `queued`: the request still waited for a connection when close() cut it off. */
  constructor(method?: string, url?: string, queued = false) {
    super(
      'SPINUP_CONNECTION_CLOSED',
      queued
        ? `${method} ${url} was still waiting for a connection when session.close() closed the session. ` +
            'Await every request before closing the session.'
        : `${method ? `${method} ${url}` : 'A request'} was still running when session.closeAllConnections() or ` +
            'session.close() closed its connection. Await the request (or dispose its stream) before closing ' +
            'the connections.',
    )
    this.method = method
    this.url = url
  }
}

/** The request was aborted through its `signal`. The socket it held was destroyed, not pooled. */
export class RequestAbortedError extends SpinupError {
  constructor(method: string, url: string, reason: unknown) {
    super('SPINUP_ABORTED', `${method} ${url} was aborted (${describeCause(reason)}).`, { cause: reason })
  }
}

/** The request took longer than its `timeout`. The socket it held was destroyed, not pooled. */
export class RequestTimeoutError extends SpinupError {
  readonly timeout: number
  /** What of the response had arrived; undefined when the request was still waiting for a connection. */
  readonly arrival: Arrival | undefined
  constructor(method: string, url: string, timeout: number, arrival?: Arrival) {
    super('SPINUP_TIMEOUT', `${method} ${url} timed out after ${timeout} ms; ${timeoutCause(arrival)}`)
    this.timeout = timeout
    this.arrival = arrival
  }
}

/** What a timed-out request had got, and what most likely kept it waiting. */
function timeoutCause(arrival: Arrival | undefined): string {
  const slow = 'Raise `timeout` in the request or the Session options if the server is just slow.'
  if (!arrival) {
    return (
      'it was still waiting for a connection (every socket of the origin was busy: a request before it that ' +
      `never finished, or socketsPerOrigin too small), and never reached the server. ${slow}`
    )
  }
  const cause =
    arrival.status !== undefined
      ? 'the handler started the response but never ended it (a missing res.end(), or a body stream that never ends?)'
      : arrival.bytes === 0
        ? 'the handler never answered (a missing res.end() or next(), an await that never resolves, or a listener that returns a value instead of writing?)'
        : 'what arrived is not a complete status line and headers'
  return `${describeArrival(arrival)}: ${cause}. Its connection was closed. ${slow}`
}

/** A function of `@spinup/client/os` (it reads `/proc`) was called off Linux. */
export class UnsupportedPlatformError extends SpinupError {
  constructor(
    what: string,
    instead = 'Check sockets with session.sockets() instead, which works everywhere.',
  ) {
    super(
      'SPINUP_UNSUPPORTED_PLATFORM',
      `${what} reads /proc and works on Linux only (this is ${process.platform}). ${instead}`,
    )
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string') return `${code}: ${cause.message}`
    return cause.message ? `${cause.name}: ${cause.message}` : cause.name
  }
  return String(cause)
}
