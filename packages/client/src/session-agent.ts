import { Agent, type Dispatcher } from 'undici'
import { captureStack } from './call-site.js'
import { attachContext, contextOf, RequestContext } from './request-context.js'
import { SessionPool, type SessionPoolOptions, type SessionPoolStats } from './session-pool.js'
import type { SocketRegistry } from './socket-registry.js'
import type { ClientOwner } from './tracked-client.js'

/**
 * The dispatcher behind a session: an undici Agent (one SessionPool of spinup's per origin, one TrackedClient per connection)
 * that gives every request a RequestContext as it enters, whoever sent it: the session's own methods,
 * `undici.request(url, { dispatcher })`, or `fetch` routed through it.
 */
export class SessionAgent extends Agent {
  readonly #registry: SocketRegistry
  /**
   * Every pool the agent made. undici's Agent forgets a pool once its last connection closes and closes it
   * gracefully on its own, so `destroy()` of the agent alone would let a request queued there run later.
   */
  readonly #pools = new Set<SessionPool>()

  constructor(options: SessionPoolOptions, registry: SocketRegistry, retryStale: boolean) {
    const owner: ClientOwner = {
      registry,
      retryStale,
      redispatch: (opts, handler) => {
        // Straight to Agent's own dispatch: the request was counted when it first came in.
        Agent.prototype.dispatch.call(this, opts, handler)
      },
    }
    // The pools get the session's options from here, not through the Agent: an Agent deep-copies the
    // options it is given (a JSON round trip), ~20 µs of a Session made per test, for options it only
    // passes on to its factory.
    super({
      factory: (origin) => {
        const pool = new SessionPool(origin, options, owner)
        // Forget pools undici has closed and that have nothing left to send.
        for (const old of this.#pools) if (old.closed && old.finished) this.#pools.delete(old)
        this.#pools.add(pool)
        return pool
      },
    })
    this.#registry = registry
  }

  /**
   * undici's Agent.stats, per origin, for the pools in use: its own getter reads a Pool's origin through
   * a symbol private to undici, which a SessionPool does not have.
   */
  // @ts-expect-error undici's types declare `stats` a property; in its code it is this getter.
  override get stats(): Record<string, SessionPoolStats> {
    const stats: Record<string, SessionPoolStats> = {}
    for (const pool of this.#pools) if (!pool.closed) stats[pool.origin] = pool.stats
    return stats
  }

  /** Destroys the agent and every pool it ever made; running and queued requests fail with `reason`. */
  async destroyAll(reason: Error): Promise<void> {
    await Promise.all([this.destroy(reason), ...[...this.#pools].map((pool) => pool.destroy(reason))])
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    let context = contextOf(opts)
    if (!context) {
      context = RequestContext.fromDispatch(
        opts as Dispatcher.DispatchOptions & { path: string },
        '',
        // Seven frames reach the caller of undici.request: undici's five between it and here, and the
        // session's CookieDispatcher when cookies are on. Each frame costs ~1.5 µs, and twelve were a quarter
        // of what this path adds. Node 20's fetch calls dispatch 13 frames below its caller, too deep to pay
        // for on every request: its requests are listed without a call site.
        captureStack(this.dispatch, 7),
      )
      attachContext(opts, context)
    }
    context.enter(handler as Parameters<RequestContext['enter']>[0])
    this.#registry.countRequest()
    return super.dispatch(opts, handler)
  }
}
