/** Sends one request and resolves once its response has been read in full; rejects on anything but success. */
export type Send = () => Promise<void>

export interface ThroughputOptions {
  /** Requests in flight at once: 1 is sequential. */
  readonly concurrency: number
  /** Stop starting requests after this long. */
  readonly durationMs: number
  /** …or after this many, whichever comes first: the loop is bounded even on a machine far faster than ours. */
  readonly maxRequests: number
}

export interface Throughput {
  readonly requests: number
  /** From the first request sent to the last response read, in ms. */
  readonly elapsedMs: number
  readonly perSecond: number
}

/**
 * Runs `send` from `concurrency` workers, each starting its next request when its previous one has been
 * read, until the time or the count is up; then waits for the requests in flight. The first error ends
 * the measurement: a benchmark that silently counts failures as requests measures nothing.
 */
export async function measureThroughput(send: Send, options: ThroughputOptions): Promise<Throughput> {
  const { concurrency, durationMs, maxRequests } = options
  let started = 0
  let completed = 0
  const begin = performance.now()
  const deadline = begin + durationMs
  const worker = async () => {
    while (started < maxRequests && performance.now() < deadline) {
      started++
      await send()
      completed++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsedMs = performance.now() - begin
  return { requests: completed, elapsedMs, perSecond: (completed * 1000) / elapsedMs }
}
