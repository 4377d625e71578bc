/** Where a request was made: the first stack frame outside spinup, undici and Node itself. */
export interface CallSite {
  /** `file:line:column`, as a stack trace prints it (file paths, not file:// URLs). */
  readonly location: string
  /** The function name of that frame, when V8 knows one. */
  readonly functionName?: string
}

/** The request that holds a socket right now. */
export interface RequestRecord {
  readonly method: string
  /** The absolute URL, query included. */
  readonly url: string
  /** `Date.now()` when the request was dispatched. */
  readonly startedAt: number
  /** Where in user code the request was made; undefined when no frame outside spinup was found. */
  readonly callSite: CallSite | undefined
  /** True once response headers arrived (a streamed body not yet consumed keeps the socket active). */
  readonly responseStarted: boolean
}

export type SocketState = 'idle' | 'active'

/** A plain snapshot of one TCP (or TLS) socket that a session holds. */
export interface SocketRecord {
  /** Unique within the process, increasing: `1`, `2`, … */
  readonly id: number
  /** `http://127.0.0.1:3000` */
  readonly origin: string
  readonly localAddress: string
  readonly localPort: number
  readonly remoteAddress: string
  readonly remotePort: number
  readonly state: SocketState
  /** `Date.now()` when the connection was established. */
  readonly openedAt: number
  /** How many requests this socket has carried, the current one included. */
  readonly requests: number
  /** The request holding the socket now; undefined when idle. */
  readonly request: RequestRecord | undefined
}

/** Totals since the session was created, and the sockets open now. */
export interface SessionStats {
  /** Connections established. */
  readonly opened: number
  /** Connections closed, by either side. */
  readonly closed: number
  /** Requests that went out on a socket that had already carried one. */
  readonly reused: number
  /** Requests dispatched (a retried request counts once). */
  readonly requests: number
  /** Requests replayed on a fresh connection after a stale pooled socket failed. */
  readonly retried: number
  /** Sockets open now (idle + active). */
  readonly open: number
  readonly idle: number
  readonly active: number
}
