import type { Socket } from 'node:net'
import type { SessionStats, SocketFilter, SocketRecord } from '@spinup/client'

/** What the session matchers need from a spinup `Session`: its live sockets and its totals. */
export interface SessionLike {
  sockets(filter?: SocketFilter): SocketRecord[]
  stats(): SessionStats
}

/** One connection as a server sees it (the shape of @spinup/fixtures' `ServerConnection`). */
export interface ServerConnectionLike {
  readonly remoteAddress: string
  readonly remotePort: number
  /** `Date.now()` at accept; undefined when unknown (a process server). */
  readonly openedAt: number | undefined
  /** Requests received so far; undefined when unknown. */
  readonly requests: number | undefined
  readonly inFlight?:
    | { readonly method: string; readonly url: string; readonly startedAt: number }
    | undefined
}

/**
 * A server handle with its own view of its connections: @spinup/fixtures' `useServer()` handle or
 * `startServer()` result. Recognised by shape, so this package does not depend on @spinup/fixtures.
 */
export interface ServerHandleLike {
  connections(): { readonly list: readonly ServerConnectionLike[] } | readonly ServerConnectionLike[]
  readonly origin?: string
  readonly session?: unknown
}

/** The stats undici 7 gives per origin: `ClientStats` (connected is a boolean) or `PoolStats`. */
export interface UndiciStatsLike {
  readonly connected: number | boolean
  readonly running: number
  readonly pending: number
  readonly queued?: number
  readonly free?: number
}

/** A node:http(s) `Agent`: sockets in use and free keep-alive sockets, per connection name. */
export interface HttpAgentLike {
  readonly sockets: Readonly<Record<string, readonly Socket[] | undefined>>
  readonly freeSockets: Readonly<Record<string, readonly Socket[] | undefined>>
  readonly requests: Readonly<Record<string, readonly unknown[] | undefined>>
  readonly protocol?: string
}

export type Target =
  | { readonly kind: 'session'; readonly name: 'session'; readonly session: SessionLike }
  | { readonly kind: 'server'; readonly name: 'api'; readonly handle: ServerHandleLike }
  | {
      readonly kind: 'undici'
      readonly name: 'agent' | 'pool' | 'client'
      /** Stats keyed by origin; one entry (origin possibly unknown) for a Pool or Client. */
      readonly read: () => ReadonlyArray<{
        readonly origin: string | undefined
        readonly stats: UndiciStatsLike
      }>
    }
  | { readonly kind: 'http-agent'; readonly name: 'agent'; readonly agent: HttpAgentLike }

const isObject = (value: unknown): value is Record<PropertyKey, unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null

function isUndiciStats(value: unknown): value is UndiciStatsLike {
  return (
    isObject(value) &&
    (typeof value.connected === 'number' || typeof value.connected === 'boolean') &&
    typeof value.running === 'number' &&
    typeof value.pending === 'number'
  )
}

/**
 * Undici keeps a Pool's or Client's origin behind a private symbol (`Symbol(url)`); read it when it is
 * there so messages can name the origin, and do without it when a later undici moves it.
 */
function privateOrigin(dispatcher: object): string | undefined {
  for (const symbol of Object.getOwnPropertySymbols(dispatcher)) {
    if (symbol.description !== 'url') continue
    const url = (dispatcher as Record<symbol, unknown>)[symbol]
    if (url instanceof URL) return url.origin
  }
  return undefined
}

/**
 * Recognises what `expect()` was given by its shape, not by class, so copies of a library installed twice
 * and this package's freedom from a dependency on @spinup/fixtures both hold. Undefined when it is none.
 */
export function classifyTarget(value: unknown): Target | undefined {
  if (!isObject(value)) return undefined
  if (typeof value.sockets === 'function' && typeof value.stats === 'function') {
    return { kind: 'session', name: 'session', session: value as unknown as SessionLike }
  }
  if (typeof value.connections === 'function') {
    return { kind: 'server', name: 'api', handle: value as unknown as ServerHandleLike }
  }
  if (typeof value.dispatch === 'function' && 'stats' in value) {
    const stats = value.stats
    if (isUndiciStats(stats)) {
      const origin = privateOrigin(value)
      return {
        kind: 'undici',
        name: typeof stats.connected === 'boolean' ? 'client' : 'pool',
        read: () => [{ origin, stats: value.stats as UndiciStatsLike }],
      }
    }
    if (isObject(stats) && Object.values(stats).every(isUndiciStats)) {
      return {
        kind: 'undici',
        name: 'agent',
        read: () =>
          Object.entries(value.stats as Record<string, UndiciStatsLike>).map(([origin, perOrigin]) => ({
            origin,
            stats: perOrigin,
          })),
      }
    }
  }
  if (
    isObject(value.sockets) &&
    isObject(value.freeSockets) &&
    isObject(value.requests) &&
    typeof value.addRequest === 'function'
  ) {
    return { kind: 'http-agent', name: 'agent', agent: value as unknown as HttpAgentLike }
  }
  return undefined
}

/** What the user called the target in their expect(), for the first line of a message. */
export function targetLabel(target: Target): string {
  switch (target.kind) {
    case 'session':
      return 'a spinup Session'
    case 'server':
      return 'a server handle'
    case 'undici':
      return `an undici ${target.name === 'agent' ? 'Agent' : target.name === 'pool' ? 'Pool' : 'Client'}`
    case 'http-agent':
      return 'a node:http Agent'
  }
}
