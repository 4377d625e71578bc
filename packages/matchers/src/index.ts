import './vitest-types.js'

export { MatcherUsageError } from './errors.js'
export {
  type MatcherOutcome,
  matchers,
  toHaveActiveSockets,
  toHaveIdleSockets,
  toHaveOpenConnections,
  toHaveOpenedSocketsInTotal,
  toHaveOpenSockets,
} from './matchers.js'
export { toHaveHeader, toHaveJsonBody, toHaveStatus } from './response-matchers.js'
export type { SocketCountFilter } from './socket-filter.js'
export type { ServerConnectionLike, ServerHandleLike } from './targets.js'
export type { SpinupMatchers } from './vitest-types.js'
