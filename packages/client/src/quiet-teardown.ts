import { errors } from 'undici'

/**
 * Errors for teardown nobody will read, built without a stack.
 *
 * Why: undici builds an error with a full stack (~10 frames) at every step of a teardown, whether anyone
 * sees it or not: a `SocketError('closed')` for every socket that closes without one, and a
 * `ClientDestroyedError` for every Pool and Client that `close()` ends (close() calls destroy() without
 * a reason). A session per test tore down 3–4 of them, each a stack walk, and no request ever saw one:
 * close() runs only once nothing is queued, and an idle socket carries no request. Handing undici an
 * error of our own, built with `Error.stackTraceLimit = 0`, keeps its behaviour and skips the walks.
 */
function withoutStack<T extends Error>(make: () => T): T {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  let error: T
  try {
    error = make()
  } finally {
    Error.stackTraceLimit = limit
  }
  // Its stack set by assignment: node's stream destroy() reads `err.stack` of the error it is given, and
  // V8's getter then runs Error.prepareStackTrace, which a test runner replaces (vite's applies source
  // maps): ~10 µs per socket that closeAllConnections() closed, measured under vitest, for no frame at all.
  // V8's setter only stores the string (Object.defineProperty would read the old value first, formatting it).
  error.stack = `${error.name}: ${error.message}`
  return error
}

/**
 * For `socket.destroy()` of an idle socket. Informational (code UND_ERR_INFO): undici fails no queued
 * request for it and connects again if one is waiting, as after a quiet destroy.
 */
export function idleSocketClosed(): Error {
  // One for all: nothing reads it but undici, which only tells it apart from a real failure (its code)
  // and hands it on in 'disconnect'; a fresh one per socket cost ~5 µs under vitest.
  idleClosed ??= withoutStack(() => new errors.InformationalError('closed by closeAllConnections()'))
  return idleClosed
}
let idleClosed: Error | undefined

/** For a Pool's or Client's destroy() without a reason, which only undici's own close() makes. */
export function closedQuietly(): Error {
  return withoutStack(() => new errors.ClientDestroyedError())
}

/** Any error the session makes for its own teardown, without a stack (its message says what happened). */
export function teardownError<T extends Error>(make: () => T): T {
  return withoutStack(make)
}

type DestroyArgs =
  | []
  | [Error | null]
  | [(...a: unknown[]) => void]
  | [Error | null, (...a: unknown[]) => void]

/** destroy()'s arguments with a stackless reason where none was given. */
export function destroyArgs(args: unknown[]): unknown[] {
  const [first, second] = args as DestroyArgs
  if (typeof first === 'function') return [closedQuietly(), first]
  if (first == null) return second === undefined ? [closedQuietly()] : [closedQuietly(), second]
  return args
}
