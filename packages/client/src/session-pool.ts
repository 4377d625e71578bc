import { type Dispatcher, Pool } from 'undici'
import { destroyArgs } from './quiet-teardown.js'
import { type ClientOwner, TrackedClient } from './tracked-client.js'

/**
 * undici's Pool for one origin of a session, with its connections made as TrackedClients, and one change
 * to how a request picks a connection: it goes straight to a connection whose last response has ended, if
 * nothing waits in the pool's queue.
 *
 * Why: undici frees a connection one event-loop turn after a response ends (and only then emits
 * 'drain'); until that turn the Pool counts the connection as busy, so a request made in between, the
 * next line of a test after `await session.get()`, opened a second connection. Awaiting that turn before
 * resolving each request kept the rule "sequential requests share one connection", at the price of the
 * turn on every request, on top of the turn undici itself waits before it writes on a reused socket. A
 * request handed to the freed connection's own queue instead is written after undici's turn, the same
 * turn a lone undici Client takes.
 */
export class SessionPool extends Pool {
  readonly #clients: TrackedClient[]

  constructor(origin: string | URL, options: Pool.Options, owner: ClientOwner) {
    const clients: TrackedClient[] = []
    super(origin, {
      ...options,
      factory: (clientOrigin, clientOptions) => {
        const client = new TrackedClient(clientOrigin, clientOptions, owner)
        clients.push(client)
        return client
      },
    })
    this.#clients = clients
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const free = this.#freeClient()
    // Requests queued in the pool came first: they get the next free connection, as in undici's Pool.
    if (free && this.stats.queued === 0) return free.dispatch(opts, handler)
    return super.dispatch(opts, handler)
  }

  // undici's close() ends with destroy() and no reason, which builds an error with a stack for nobody.
  override destroy(...args: unknown[]): never {
    return Reflect.apply(super.destroy, this, destroyArgs(args)) as never
  }

  #freeClient(): TrackedClient | undefined {
    for (let i = 0; i < this.#clients.length; i++) {
      const client = this.#clients[i]!
      if (client.destroyed) {
        this.#clients.splice(i--, 1)
        continue
      }
      if (client.endedLastResponse) return client
    }
    return undefined
  }
}
