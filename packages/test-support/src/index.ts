export {
  type AssertionResult,
  CHILD_RUN_BUDGET_MS,
  type ChildVitest,
  type ChildVitestOptions,
  type ChildVitestResult,
  childRunTestTimeout,
  type GroupGuard,
  runVitest,
  startVitest,
} from './child-vitest.js'
export { asyncFailureOf, failureOf } from './failure-of.js'
export { lineOf } from './line-of.js'
export { GROUP_KILL_WAIT_MS, groupMembers, isAlive, killGroup, signalGroup } from './process-group.js'
export { type Handler, type ServerSocket, sendBody, startTestServer, type TestServer } from './test-server.js'
