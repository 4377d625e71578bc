/**
 * When may a request that failed on a reused keep-alive socket be sent again?
 *
 * The rule is Go's Transport (`shouldRetryRequest`), widened to every idempotent method of RFC 9110:
 * the socket had carried a request before (so the failure is most likely a server that closed it while
 * idle, or was restarted), no byte of the response arrived, and sending the request twice cannot do harm:
 * the method is idempotent, or the caller marked it with an Idempotency-Key. The body must be one we hold
 * in memory. undici declined to retry in its core (nodejs/undici#5403), so a session does it, once.
 */

/** Why an attempt failed, as far as a retry cares. */
export interface FailedAttempt {
  readonly err: unknown
  /** The socket had carried an earlier request. */
  readonly reusedSocket: boolean
  /** Bytes the socket received during this attempt: any of them (a 1xx included) rules a replay out. */
  readonly bytesReceived: number
  /** 1 for the first attempt, 2 for the replay. */
  readonly attempt: number
  readonly replayable: boolean
  /** SessionOptions.retryStale. */
  readonly retryStale: boolean
  /** The caller aborted it (timeout or signal): never replayed, never called stale. */
  readonly aborted: boolean
}

/**
 * The one stale-connection decision. 'stale': a pooled socket died before any byte of the answer arrived,
 * so the server most likely closed it while idle (or restarted); 'replay': stale, and safe to send once
 * more; 'failed': anything else, reported as what it is. Once a single byte arrived the server did receive
 * the request, so sending it again could do it twice: never.
 */
export function judgeFailure(f: FailedAttempt): 'replay' | 'stale' | 'failed' {
  if (f.aborted || !f.reusedSocket || f.bytesReceived > 0 || !isStaleSocketError(f.err)) return 'failed'
  return f.replayable && f.retryStale && f.attempt === 1 ? 'replay' : 'stale'
}

const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])

/** Errors that mean "the peer closed or reset the connection under us". */
const staleSocketCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'])

export function isStaleSocketError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && staleSocketCodes.has(code)
}

export function isReplayable(method: string, headers: unknown, body: unknown): boolean {
  if (!bodyIsInMemory(body)) return false
  return idempotentMethods.has(method.toUpperCase()) || hasIdempotencyKey(headers)
}

function bodyIsInMemory(body: unknown): boolean {
  return body === null || body === undefined || typeof body === 'string' || body instanceof Uint8Array
}

function hasIdempotencyKey(headers: unknown): boolean {
  if (!headers) return false
  if (Array.isArray(headers)) {
    // undici's flat form: [name, value, name, value, …]
    for (let i = 0; i < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === 'idempotency-key') return true
    }
    return false
  }
  if (typeof headers === 'object') {
    if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const entry of headers as Iterable<[string, unknown]>) {
        if (String(entry[0]).toLowerCase() === 'idempotency-key') return true
      }
      return false
    }
    return Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key')
  }
  return false
}
