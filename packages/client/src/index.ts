export type { AuthInit } from './auth.js'
export type { CookieRecord, SessionCookies } from './cookie-jar.js'
export {
  type Arrival,
  ConnectionClosedError,
  InvalidCookieError,
  InvalidOptionError,
  InvalidRequestError,
  NotJsonError,
  RedirectError,
  RequestAbortedError,
  RequestFailedError,
  type RequestFailureCode,
  RequestTimeoutError,
  SessionClosedError,
  SpinupError,
  StaleConnectionError,
  UnknownOptionError,
  UnsupportedPlatformError,
} from './errors.js'
export type { FormInit, FormValue } from './form-body.js'
export { formatSocket, formatSockets } from './format-socket.js'
export { checkOptionKeys, type KnownKeys, knownKeys, nearestKey } from './option-keys.js'
export type { RedirectHop, RedirectMode } from './redirect-follow.js'
export type { BodyInit, HeadersInit, HeaderValue, QueryInit, RequestInit } from './request-input.js'
export { type ResponseHeaders, type ResponseMeta, SessionResponse, StreamedResponse } from './response.js'
export { formatStatus, PREVIEW_CHARS, previewBody } from './response-summary.js'
export {
  type GlobalFetchRoute,
  Session,
  type SessionOptions,
  type SocketFilter,
  type StreamInit,
} from './session.js'
export type { CallSite, RequestRecord, SessionStats, SocketRecord, SocketState } from './types.js'
