/**
 * `@spinup/client/os`: the kernel's view of sockets and processes, read from `/proc`, for tests that check
 * what spinup says against the operating system (a socket it calls closed, a port it calls free, a server
 * process it calls gone) and for @spinup/fixtures, which asks it who holds a port.
 *
 * One rule off Linux: there is no `/proc` to read, so every function here throws `UnsupportedPlatformError`
 * (`SPINUP_UNSUPPORTED_PLATFORM`) at its call, naming itself; none answers "empty" or "yes" for a
 * question it could not ask. Code that has a fallback checks `procAvailable()` first. On Linux, something
 * that is not there (a process that is gone, a table the kernel lacks) reads as empty or undefined.
 */
export { type OsSocket, osSockets } from './os-sockets.js'
export { procAvailable } from './platform.js'
export { type ReadTcpTableOptions, readTcpTable, type TcpTableRow } from './proc-net-tcp.js'
export {
  type ProcStat,
  parseProcStat,
  processCommandLine,
  processGroupMembers,
  processIds,
  processRunning,
  readProcStat,
} from './proc-stat.js'
export { socketInodes } from './socket-inodes.js'
