import type { Socket } from 'node:net'
import { ConnectionClosedError } from './errors.js'
import { idleSocketClosed } from './quiet-teardown.js'
import type { RequestContext } from './request-context.js'
import type { SessionStats, SocketRecord, SocketState } from './types.js'

let nextSocketId = 1

/** One socket a session holds, with the request on it. Written only by the registry; callers see SocketRecord. */
export interface LiveSocket {
  readonly id: number
  readonly origin: string
  readonly socket: Socket
  readonly openedAt: number
  readonly requests: number
  readonly request: RequestContext | undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Every socket one session has opened and not yet seen close, and the session's counters. A socket enters
 * when undici's connector hands it over and leaves on its 'close' event; `records()` also hides sockets
 * already destroyed, so a request that rejected after destroying its socket is never listed as open.
 * The counters change only through the methods below (countRequest, beginRequest, countRetry).
 */
export class SocketRegistry {
  readonly #live = new Map<Socket, Mutable<LiveSocket>>()
  readonly #connecting = new Set<Socket>()
  #opened = 0
  #closed = 0
  #reused = 0
  #requests = 0
  #retried = 0

  /** Remembers a socket that is still connecting, so closeAll() can stop it too. */
  connecting(socket: Socket): void {
    this.#connecting.add(socket)
    socket.once('close', () => this.#connecting.delete(socket))
  }

  add(socket: Socket, origin: string): LiveSocket {
    this.#connecting.delete(socket)
    const live: Mutable<LiveSocket> = {
      id: nextSocketId++,
      origin,
      socket,
      openedAt: Date.now(),
      requests: 0,
      request: undefined,
    }
    this.#live.set(socket, live)
    this.#opened++
    socket.once('close', () => {
      this.#live.delete(socket)
      this.#closed++
    })
    return live
  }

  get(socket: Socket | undefined): LiveSocket | undefined {
    return socket ? this.#live.get(socket) : undefined
  }

  /** A request entered the session (a replay is not counted again). */
  countRequest(): void {
    this.#requests++
  }

  /** `context` goes out on `live`; returns true when the socket had carried a request before. */
  beginRequest(live: LiveSocket, context: RequestContext): boolean {
    const entry = live as Mutable<LiveSocket>
    entry.requests++
    entry.request = context
    const reused = entry.requests > 1
    if (reused) this.#reused++
    return reused
  }

  /** `context` no longer holds `live` (it ended, failed, or is being replayed). */
  endRequest(live: LiveSocket, context: RequestContext): void {
    const entry = live as Mutable<LiveSocket>
    if (entry.request === context) entry.request = undefined
  }

  /** A request is replayed on a fresh connection after a stale pooled socket. */
  countRetry(): void {
    this.#retried++
  }

  /** Open sockets of one origin that carry no request. */
  idleSockets(origin: string): LiveSocket[] {
    return [...this.#live.values()].filter(
      (live) => live.origin === origin && !live.request && !live.socket.destroyed,
    )
  }

  /**
   * Records of the open sockets, optionally only those of one origin or state. The filter runs on the live
   * entries before any record is built: a record reads the socket's addresses, which costs a system call
   * each, and the leak check after every test asks only for the active ones, usually none.
   */
  records(filter: { origin?: string; state?: SocketState } = {}): SocketRecord[] {
    const out: SocketRecord[] = []
    for (const live of this.#live.values()) {
      if (live.socket.destroyed) continue
      if (filter.origin !== undefined && live.origin !== filter.origin) continue
      if (filter.state !== undefined && stateOf(live) !== filter.state) continue
      out.push(toRecord(live))
    }
    return out
  }

  stats(): SessionStats {
    let idle = 0
    let active = 0
    for (const live of this.#live.values()) {
      if (live.socket.destroyed) continue
      if (live.request) active++
      else idle++
    }
    return {
      opened: this.#opened,
      closed: this.#closed,
      reused: this.#reused,
      requests: this.#requests,
      retried: this.#retried,
      open: idle + active,
      idle,
      active,
    }
  }

  /**
   * Destroys every socket, open or still connecting, and resolves once each has emitted 'close'. A request
   * still running on one fails with ConnectionClosedError, which says who closed it.
   */
  async closeAll(): Promise<void> {
    const sockets = [...this.#live.keys(), ...this.#connecting]
    await Promise.all(
      sockets.map((socket) => {
        if (socket.closed) return undefined
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
        const live = this.#live.get(socket)
        // An idle socket closes quietly (an informational error without a stack, see quiet-teardown.ts); a
        // connecting one must fail with an error, or undici's connector, which listens for 'connect' and
        // 'error' only, would wait forever with its request.
        if (live && !live.request) socket.destroy(idleSocketClosed())
        else socket.destroy(new ConnectionClosedError(live?.request?.method, live?.request?.url))
        return closed
      }),
    )
  }
}

function stateOf(live: LiveSocket): SocketState {
  return live.request ? 'active' : 'idle'
}

function toRecord(live: LiveSocket): SocketRecord {
  const { socket } = live
  return {
    id: live.id,
    origin: live.origin,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    state: stateOf(live),
    openedAt: live.openedAt,
    requests: live.requests,
    request: live.request?.toRecord(),
  }
}
