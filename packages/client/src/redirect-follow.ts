import { InvalidRequestError, RedirectError } from './errors.js'
import { resolveUrl } from './request-input.js'

export type RedirectMode = 'manual' | 'follow' | 'error'

/** One request of a redirect chain: what the next hop is derived from. */
export interface Hop {
  readonly method: string
  readonly href: string
  readonly headers: Record<string, string | string[]>
  readonly body: unknown
}

/** One redirect answered on the way, as the error messages list it. */
export interface RedirectHop {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly location: string
}

const redirectStatuses = new Set([301, 302, 303, 307, 308])
// What describes a body: dropped with the body when a redirect turns the request into a GET (fetch spec).
const bodyHeaders = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
]
// Credentials one origin gave; another origin must not see them (fetch spec, 4.4 step 13).
const credentialHeaders = ['authorization', 'proxy-authorization', 'cookie']

export function checkRedirectOptions(
  mode: unknown,
  maxRedirects: unknown,
): { mode: RedirectMode; max: number } {
  if (mode !== undefined && mode !== 'manual' && mode !== 'follow' && mode !== 'error') {
    throw new InvalidRequestError(
      `redirect must be 'manual' (the default: a 3xx is the response), 'follow' or 'error', got ${JSON.stringify(mode)}.`,
    )
  }
  if (maxRedirects !== undefined && (!Number.isInteger(maxRedirects) || (maxRedirects as number) < 0)) {
    throw new InvalidRequestError(`maxRedirects must be a whole number ≥ 0, got ${String(maxRedirects)}.`)
  }
  return { mode: mode ?? 'manual', max: (maxRedirects as number | undefined) ?? 10 }
}

/** The Location a response redirects to, or undefined when it is not a redirect to follow. */
export function redirectTarget(status: number, headers: Record<string, unknown>): string | undefined {
  const location = headers.location
  if (!redirectStatuses.has(status) || location === undefined) return undefined
  return Array.isArray(location) ? String(location[0]) : String(location)
}

/**
 * The request a redirect asks for, following fetch: 303 (and 301/302 after a POST) becomes a GET without
 * its body; 307/308 repeat method and body, which must be held in memory to be sent again; credentials
 * set by hand are not carried to another origin (the cookie jar decides for its own cookies).
 */
export function nextHop(hop: Hop, status: number, location: string, chain: readonly RedirectHop[]): Hop {
  let next: URL
  try {
    next = resolveUrl(location, new URL(hop.href), undefined)
  } catch (err) {
    throw new RedirectError(
      'SPINUP_REDIRECT_INVALID',
      `${hop.method} ${hop.href} answered ${status} with Location ${JSON.stringify(location)}, which cannot be ` +
        `followed: ${(err as Error).message}`,
      chain,
    )
  }
  const headers = { ...hop.headers }
  let { method, body } = hop
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET'
    body = null
    for (const name of bodyHeaders) delete headers[name]
  } else if (
    body !== null &&
    body !== undefined &&
    typeof body !== 'string' &&
    !(body instanceof Uint8Array)
  ) {
    throw new RedirectError(
      'SPINUP_REDIRECT_BODY',
      `${hop.method} ${hop.href} answered ${status}, which repeats the request with its body at ${next.href}, ` +
        'but the body was a stream and is spent. Send a string, Buffer, json or form body to follow it, or ' +
        "use redirect: 'manual' and send the second request yourself.",
      chain,
    )
  }
  if (next.origin !== new URL(hop.href).origin) for (const name of credentialHeaders) delete headers[name]
  return { method, href: next.href, headers, body }
}

/** Lists a chain for a message: one `302 GET url → location` line per hop. */
export function formatChain(chain: readonly RedirectHop[]): string {
  return chain.map((hop) => `  ${hop.status} ${hop.method} ${hop.url} → ${hop.location}`).join('\n')
}
