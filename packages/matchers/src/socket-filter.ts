import type { SocketState } from '@spinup/client'
import { describeValue } from '@spinup/client/format'
import { MatcherUsageError } from './errors.js'

/** Which client-side sockets a matcher counts. */
export interface SocketCountFilter {
  /** Only sockets to this origin; any URL of it will do (`api.url`, `http://127.0.0.1:3000/path`). */
  origin?: string | URL
  /** Only idle or only active sockets. */
  state?: SocketState
}

/** A checked filter: the origin reduced to `scheme://host:port`. */
export interface CheckedFilter {
  readonly origin: string | undefined
  readonly state: SocketState | undefined
  /** How the user wrote it, for the first line of a message: `{ origin: 'http://…', state: 'idle' }`. */
  readonly source: string | undefined
}

/** Throws a MatcherUsageError unless `count` is a whole number ≥ 0. */
export function checkCount(matcher: string, count: unknown): number {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new MatcherUsageError(
      `${matcher}(count) needs a whole number ≥ 0 as the count, but got ${describeValue(count)}.`,
    )
  }
  return count
}

/**
 * Checks a filter argument and normalises its origin. `allowState` is false for matchers whose name fixes
 * the state (toHaveIdleSockets, toHaveActiveSockets).
 */
export function checkFilter(matcher: string, filter: unknown, allowState: boolean): CheckedFilter {
  if (filter === undefined) return { origin: undefined, state: undefined, source: undefined }
  const allowed = allowState ? ['origin', 'state'] : ['origin']
  const keysHint = allowed.map((key) => `'${key}'`).join(' and ')
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new MatcherUsageError(
      `${matcher}(count, filter) takes an object with ${keysHint} as the filter, but got ${describeValue(filter)}.`,
    )
  }
  const entries = Object.entries(filter).filter(([, value]) => value !== undefined)
  const unknown = entries.map(([key]) => key).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) {
    const fix =
      !allowState && unknown.includes('state')
        ? ` ${matcher} already counts one state; use toHaveOpenSockets(count, { state }) to choose.`
        : ''
    throw new MatcherUsageError(
      `${matcher}(count, filter): unknown filter key ${unknown.map((key) => `'${key}'`).join(', ')}; ` +
        `the filter takes ${keysHint}.${fix}`,
    )
  }
  const values = filter as { origin?: unknown; state?: unknown }
  let origin: string | undefined
  if (values.origin !== undefined) {
    const text = values.origin instanceof URL ? values.origin.href : values.origin
    let parsed: URL | undefined
    if (typeof text === 'string') {
      try {
        parsed = new URL(text)
      } catch {
        parsed = undefined
      }
    }
    if (!parsed || parsed.origin === 'null') {
      throw new MatcherUsageError(
        `${matcher}(count, { origin }): origin must be an absolute URL such as 'http://127.0.0.1:3000' ` +
          `(api.url or session.baseUrl will do), but got ${describeValue(values.origin)}.`,
      )
    }
    origin = parsed.origin
  }
  const state = values.state
  if (state !== undefined && state !== 'idle' && state !== 'active') {
    throw new MatcherUsageError(
      `${matcher}(count, { state }): state must be 'idle' or 'active', but got ${describeValue(state)}.`,
    )
  }
  const parts: string[] = []
  if (origin !== undefined) parts.push(`origin: '${String(values.origin)}'`)
  if (state !== undefined) parts.push(`state: '${state}'`)
  return {
    origin,
    state: state as SocketState | undefined,
    source: parts.length > 0 ? `{ ${parts.join(', ')} }` : undefined,
  }
}
