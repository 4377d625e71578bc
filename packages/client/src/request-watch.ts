import type { Deadline, DeadlineList } from './deadline-list.js'
import { RequestAbortedError, RequestTimeoutError } from './errors.js'
import type { RequestContext } from './request-context.js'

/**
 * The session's watch over one of its own requests: the timeout and the caller's signal, both of which end
 * in `context.abort()`. Owned by the session; the lower layers never see it.
 */
export class RequestWatch implements Deadline {
  // The Deadline fields, for the session's DeadlineList.
  at = 0
  prev: Deadline | undefined
  next: Deadline | undefined
  listed = false
  readonly #context: RequestContext
  #timeout = 0
  #deadlines: DeadlineList | undefined
  #timer: NodeJS.Timeout | undefined
  #unlisten: (() => void) | undefined

  constructor(context: RequestContext) {
    this.#context = context
  }

  /** Starts the timeout: in the session's shared list when given one, else on its own timer. */
  startTimeout(timeout: number, deadlines: DeadlineList | undefined): void {
    this.#timeout = timeout
    if (deadlines) {
      this.at = Date.now() + timeout
      this.#deadlines = deadlines
      deadlines.add(this)
    } else {
      this.#timer = setTimeout(() => this.expire(), timeout)
    }
  }

  /** The timeout passed. */
  expire(): void {
    const { method, url } = this.#context
    this.#context.abort(new RequestTimeoutError(method, url, this.#timeout, this.#context.arrival()))
  }

  /** Aborts the request when `signal` fires, until `stop()`. */
  listen(signal: AbortSignal): void {
    const { method, url } = this.#context
    const onAbort = () => this.#context.abort(new RequestAbortedError(method, url, signal.reason))
    signal.addEventListener('abort', onAbort, { once: true })
    this.#unlisten = () => signal.removeEventListener('abort', onAbort)
  }

  /** Clears the timeout (the response headers of a stream arrived, or the request is over). */
  clearTimeout(): void {
    this.#deadlines?.remove(this)
    clearTimeout(this.#timer)
  }

  /** A stream's timeout ends at its headers, its signal only when its body closes. */
  handOverTo(body: NodeJS.EventEmitter): void {
    this.clearTimeout()
    if (this.#unlisten) body.once('close', this.#unlisten)
  }

  /** Clears the timeout and stops listening to the signal: the request is over. */
  stop(): void {
    this.clearTimeout()
    this.#unlisten?.()
  }
}
