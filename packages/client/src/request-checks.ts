import { InvalidOptionError, InvalidRequestError } from './errors.js'
import { describeValue } from './format/describe-value.js'
import { portHint, resolveUrl } from './request-input.js'

/**
 * Checks of what a request or an option says that undici would only reject after a connection was open,
 * or would silently misread. Each throws spinup's coded error before any socket opens.
 */

/** Headers that set the framing of the message or take over the connection: undici's job, not the caller's. */
const framingHeaders: Record<string, string> = {
  'transfer-encoding': 'undici frames the body itself (chunked for a stream); remove the header',
  upgrade: 'a Session sends plain requests; open upgrades (WebSocket) with a client made for them',
  connection: 'the Session manages keep-alive; remove the header (closeAllConnections() closes connections)',
}

const framingHeaderNames = Object.keys(framingHeaders)

export function checkFraming(
  method: string,
  href: string,
  headers: Record<string, unknown>,
  body: unknown,
): void {
  if (method.toUpperCase() === 'CONNECT') {
    throw new InvalidRequestError(
      `CONNECT ${href}: a Session does not open tunnels. Use a proxy client (undici's ProxyAgent) for that.`,
    )
  }
  for (const name of framingHeaderNames) {
    const why = framingHeaders[name]!
    if (
      headers[name] !== undefined &&
      !(name === 'connection' && /^\s*keep-alive\s*$/i.test(String(headers[name])))
    ) {
      throw new InvalidRequestError(`${method} ${href}: header "${name}: ${String(headers[name])}": ${why}.`)
    }
  }
  const declared = headers['content-length']
  if (declared === undefined) return
  const length =
    typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.length : undefined
  if (length === undefined) {
    if (body === null || body === undefined) {
      if (String(declared).trim() !== '0') {
        throw new InvalidRequestError(
          `${method} ${href}: content-length is ${String(declared)} but the request has no body; remove the header.`,
        )
      }
      return
    }
    return // a stream: undici checks its length as it sends
  }
  if (String(declared).trim() !== String(length)) {
    throw new InvalidRequestError(
      `${method} ${href}: content-length is ${String(declared)} but the body is ${length} bytes; remove the ` +
        'header and let the Session set it.',
    )
  }
}

/** `ca`: PEM text (or Buffers of it) holding at least one certificate. Checked at construction, not at the first https request. */
export function checkCa(ca: unknown): string[] | undefined {
  if (ca === undefined) return undefined
  const list = Array.isArray(ca) ? ca : [ca]
  return list.map((entry, i) => {
    const where = Array.isArray(ca) ? `ca[${i}]` : 'ca'
    if (typeof entry !== 'string' && !(entry instanceof Uint8Array)) {
      throw new InvalidOptionError(
        `Session option ${where} must be PEM text (a string or Buffer with -----BEGIN CERTIFICATE-----), got ${describeValue(entry)}.`,
      )
    }
    const text = Buffer.from(entry).toString('utf8')
    if (!text.includes('-----BEGIN CERTIFICATE-----')) {
      throw new InvalidOptionError(
        `Session option ${where} is not a PEM certificate (no -----BEGIN CERTIFICATE----- line), got ` +
          `${JSON.stringify(text.slice(0, 40))}. Pass the certificate's PEM text, e.g. readFileSync('ca.pem', 'utf8').`,
      )
    }
    return text
  })
}

export function checkBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  throw new InvalidOptionError(`Session option ${name} must be true or false, got ${describeValue(value)}.`)
}

const socketStates = new Set(['idle', 'active'])

/** `sockets({ origin, state })`: a typo must not turn a leak check into one that always passes. */
export function checkSocketFilter(filter: unknown): { origin?: string; state?: 'idle' | 'active' } {
  if (typeof filter !== 'object' || filter === null) {
    throw new InvalidOptionError(`sockets(filter): filter must be an object, got ${describeValue(filter)}.`)
  }
  const { origin, state } = filter as { origin?: unknown; state?: unknown }
  if (state !== undefined && !socketStates.has(state as string)) {
    throw new InvalidOptionError(
      `sockets({ state }): state must be 'idle' or 'active', got ${describeValue(state)}.`,
    )
  }
  const out: { origin?: string; state?: 'idle' | 'active' } = {}
  if (state !== undefined) out.state = state as 'idle' | 'active'
  if (origin !== undefined) out.origin = absoluteOrigin(origin, 'sockets({ origin })')
  return out
}

/** An absolute http(s) URL or origin, for options where a relative URL makes no sense. */
export function absoluteOrigin(value: unknown, where: string): string {
  return absoluteUrl(value, where).origin
}

export function absoluteUrl(value: unknown, where: string): URL {
  if (typeof value === 'string' || value instanceof URL) {
    let url: URL | undefined
    try {
      url = new URL(String(value))
    } catch {
      url = undefined
    }
    if (url) {
      try {
        return resolveUrl(url, undefined, undefined)
      } catch (err) {
        throw new InvalidOptionError(`${where}: ${(err as Error).message}`)
      }
    }
  }
  throw new InvalidOptionError(
    `${where} must be an absolute http(s) URL such as 'http://127.0.0.1:3000', got ${describeValue(value)}` +
      `${portHint(value)}.`,
  )
}
