/** An entry of a DeadlineList: whatever must happen when its time is up. */
export interface Deadline {
  at: number
  expire(): void
  prev: Deadline | undefined
  next: Deadline | undefined
  listed: boolean
}

/**
 * The timeouts of every request that uses the session's default timeout, in one list and one timer.
 * Requests that share a timeout expire in the order they were sent, so the list stays sorted by appending,
 * and adding or removing an entry is a few pointer writes: cheaper than a timer per request, which cost
 * several percent of a request's time in the benchmark. The timer is unref'd: an in-flight request keeps
 * the process alive through its socket, a pending deadline must not.
 */
export class DeadlineList {
  #head: Deadline | undefined
  #tail: Deadline | undefined
  #timer: NodeJS.Timeout | undefined

  /** Appends an entry; its `at` must not be earlier than the last entry's. */
  add(entry: Deadline): void {
    entry.prev = this.#tail
    entry.next = undefined
    entry.listed = true
    if (this.#tail) this.#tail.next = entry
    else this.#head = entry
    this.#tail = entry
    if (!this.#timer) this.#arm(entry.at)
  }

  remove(entry: Deadline): void {
    if (!entry.listed) return
    entry.listed = false
    if (entry.prev) entry.prev.next = entry.next
    else this.#head = entry.next
    if (entry.next) entry.next.prev = entry.prev
    else this.#tail = entry.prev
    entry.prev = entry.next = undefined
  }

  #arm(at: number): void {
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - Date.now()))
    this.#timer.unref()
  }

  #fire(): void {
    this.#timer = undefined
    const now = Date.now()
    while (this.#head && this.#head.at <= now) {
      const entry = this.#head
      this.remove(entry)
      entry.expire()
    }
    if (this.#head) this.#arm(this.#head.at)
  }
}
