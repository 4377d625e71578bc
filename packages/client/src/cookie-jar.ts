import { Cookie, CookieJar } from 'tough-cookie'
import { InvalidCookieError } from './errors.js'
import { resolveUrl } from './request-input.js'

/** One cookie as the jar holds it. */
export interface CookieRecord {
  readonly name: string
  readonly value: string
  /** The host it was set by (host-only) or the Domain attribute, without a leading dot. */
  readonly domain: string
  readonly path: string
  /** When it expires (from Expires or Max-Age); undefined for a session cookie. */
  readonly expires?: Date
  readonly httpOnly: boolean
  /** Sent only over https. */
  readonly secure: boolean
  /** As set; recorded, not enforced (a test client has no "site" to protect). */
  readonly sameSite?: 'strict' | 'lax' | 'none'
  /** Set without a Domain attribute: sent to exactly that host, not its subdomains. */
  readonly hostOnly: boolean
}

/** A session's cookie jar, as `session.cookies` shows it. */
export interface SessionCookies {
  /** The cookies a request to `url` would send (relative to the baseUrl); without `url`, every cookie. */
  get(url?: string | URL): CookieRecord[]
  /** Stores a cookie as if `url` (default: the session's baseUrl) had answered with this Set-Cookie. */
  set(setCookie: string, url?: string | URL): CookieRecord
  /** Forgets every cookie. */
  clear(): void
}

/**
 * A session's cookie jar on tough-cookie (RFC 6265: domain and path matching, expiry, Secure, host-only,
 * deletion by Max-Age=0). This class owns the jar: users change it through get/set/clear, the session's
 * dispatcher through `requestCookies` and `storeResponseCookies`.
 */
export class CookieStore implements SessionCookies {
  // Secure cookies are kept and sent over https only, as RFC 6265 says, even to localhost (tough-cookie
  // would otherwise treat loopback as a secure context, as browsers do, and a test could not see it).
  // Made on first use: most sessions of a suite never see a cookie, and a tough-cookie jar per session
  // (one per test) cost ~20 µs to build.
  #made: CookieJar | undefined
  readonly #base: URL | undefined
  /** No cookie was ever stored since the last clear(): a request need not ask the jar (~6 µs saved). */
  #empty = true

  constructor(base: URL | undefined) {
    this.#base = base
  }

  get #jar(): CookieJar {
    this.#made ??= new CookieJar(undefined, { allowSecureOnLocal: false })
    return this.#made
  }

  get(url?: string | URL): CookieRecord[] {
    if (url === undefined) {
      const now = Date.now()
      return this.#jar
        .serializeSync()!
        .cookies.map((json) => Cookie.fromJSON(json)!)
        .filter((cookie) => (cookie.expiryTime() ?? Number.POSITIVE_INFINITY) > now)
        .map(toRecord)
    }
    return this.#jar.getCookiesSync(this.#resolve(url, 'get').href).map(toRecord)
  }

  set(setCookie: string, url?: string | URL): CookieRecord {
    if (typeof setCookie !== 'string') {
      throw new InvalidCookieError(
        `session.cookies.set(cookie, url?): cookie must be a Set-Cookie string such as 'theme=dark; Path=/', ` +
          `got ${typeof setCookie}.`,
      )
    }
    if (url === undefined && this.#base === undefined) {
      throw new InvalidCookieError(
        `session.cookies.set(${JSON.stringify(setCookie)}): without a baseUrl on the session, give the URL ` +
          "the cookie belongs to: session.cookies.set(cookie, 'http://127.0.0.1:3000/').",
      )
    }
    const target = this.#resolve(url ?? this.#base!, 'set')
    let cookie: Cookie | undefined
    try {
      cookie = this.#jar.setCookieSync(setCookie, target.href)
    } catch (err) {
      throw new InvalidCookieError(
        `session.cookies.set(${JSON.stringify(setCookie)}) for ${target.href}: ${(err as Error).message}.`,
      )
    }
    if (!cookie) {
      throw new InvalidCookieError(`session.cookies.set(${JSON.stringify(setCookie)}): not a cookie.`)
    }
    this.#empty = false
    return toRecord(cookie)
  }

  clear(): void {
    this.#made?.removeAllCookiesSync()
    this.#empty = true
  }

  /** The Cookie header value for a request to `url`, or '' when no cookie applies. */
  requestCookies(url: string): string {
    return this.#empty ? '' : this.#jar.getCookieStringSync(url)
  }

  /** Stores the Set-Cookie headers of a response to `url`; a malformed one is skipped, as a browser does. */
  storeResponseCookies(url: string, setCookies: readonly string[]): void {
    for (const setCookie of setCookies) {
      if (this.#jar.setCookieSync(setCookie, url, { ignoreError: true })) this.#empty = false
    }
  }

  #resolve(url: string | URL, method: string): URL {
    try {
      return resolveUrl(url, this.#base, undefined)
    } catch (err) {
      throw new InvalidCookieError(`session.cookies.${method}(): ${(err as Error).message}`)
    }
  }
}

function toRecord(cookie: Cookie): CookieRecord {
  const expiry = cookie.expiryTime() ?? Number.POSITIVE_INFINITY
  const sameSite = cookie.sameSite?.toLowerCase()
  return {
    name: cookie.key,
    value: cookie.value,
    domain: cookie.domain ?? '',
    path: cookie.path ?? '/',
    ...(Number.isFinite(expiry) ? { expires: new Date(expiry) } : {}),
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    ...(sameSite === 'strict' || sameSite === 'lax' || sameSite === 'none' ? { sameSite } : {}),
    hostOnly: cookie.hostOnly ?? false,
  }
}
