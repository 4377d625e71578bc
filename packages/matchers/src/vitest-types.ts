import type { SocketCountFilter } from './socket-filter.js'

/** The matchers of @spinup/matchers, as they appear on `expect(…)` once registered. */
export interface SpinupMatchers<R = unknown> {
  /**
   * The response has this status. On failure: the request, both statuses with their reason phrases
   * ("201 Created", "400 Bad Request"), the content-type and the start of the body.
   * @example expect(res).toHaveStatus(201)
   */
  toHaveStatus(status: number): R
  /**
   * The response has this header; with `expected`, one of its values equals the string or matches the RegExp.
   * @example expect(res).toHaveHeader('content-type', /json/)
   */
  toHaveHeader(name: string, expected?: string | RegExp): R
  /**
   * The body is JSON that matches `expected` with toMatchObject's rules, shown as a diff on failure.
   * @example expect(res).toHaveJsonBody({ id: 1 })
   */
  toHaveJsonBody(expected: unknown): R
  /**
   * Exactly `count` sockets open now (idle or active), optionally only those to one origin or in one
   * state. On failure, lists each counted socket: id, local → remote address, state, age, the request
   * holding it and the line of the test that made it.
   * @example expect(session).toHaveOpenSockets(0)
   * @example expect(session).toHaveOpenSockets(1, { origin: api.url, state: 'idle' })
   */
  toHaveOpenSockets(count: number, filter?: SocketCountFilter): R
  /**
   * Exactly `count` pooled sockets that carry no request.
   * @example expect(session).toHaveIdleSockets(1)
   */
  toHaveIdleSockets(count: number, filter?: Pick<SocketCountFilter, 'origin'>): R
  /**
   * Exactly `count` sockets held by a request: waiting for its response, or with a body not read to the end.
   * @example expect(session).toHaveActiveSockets(0)
   */
  toHaveActiveSockets(count: number, filter?: Pick<SocketCountFilter, 'origin'>): R
  /**
   * A spinup Session has opened exactly `count` TCP connections since it was created (reuse).
   * @example expect(session).toHaveOpenedSocketsInTotal(1)
   */
  toHaveOpenedSocketsInTotal(count: number): R
  /**
   * The server behind a @spinup/fixtures handle holds exactly `count` connections now, as it sees them.
   * A close the client made reaches the server a moment later: poll for it.
   * @example await expect.poll(() => api).toHaveOpenConnections(0)
   */
  toHaveOpenConnections(count: number): R
}

declare module 'vitest' {
  // The type parameter must repeat vitest's declaration exactly for the interfaces to merge.
  // biome-ignore lint/suspicious/noExplicitAny: vitest declares Matchers<T = any>.
  interface Matchers<T = any> extends SpinupMatchers<void> {}
}
