import type { Readable } from 'node:stream'
import type { AuthInit } from './auth.js'
import { InvalidRequestError } from './errors.js'
import type { FormInit } from './form-body.js'
import { describeValue } from './format/describe-value.js'
import { knownKeys } from './option-keys.js'
import type { RedirectMode } from './redirect-follow.js'

/** A header value as callers give it. */
export type HeaderValue = string | number | readonly string[] | undefined
export type HeadersInit = Record<string, HeaderValue> | Iterable<readonly [string, string]>

/** Query parameters, appended to the URL. Arrays repeat the key. */
export type QueryInit = Record<
  string,
  string | number | boolean | readonly (string | number | boolean)[] | undefined
>

/**
 * What a request body may be. Strings, bytes, URLSearchParams, Blob and FormData are held in memory, so a
 * stale-socket retry or a 307/308 redirect can resend them; a Readable or async iterable is sent once.
 */
export type BodyInit =
  | string
  | Uint8Array
  | URLSearchParams
  | Blob
  | FormData
  | Readable
  | AsyncIterable<Uint8Array>
  | null

export interface RequestInit {
  headers?: HeadersInit
  query?: QueryInit
  /** The raw body: FormData is sent as multipart/form-data, URLSearchParams as a urlencoded form. */
  body?: BodyInit
  /** A value serialised with JSON.stringify and sent with `content-type: application/json`. */
  json?: unknown
  /** Fields sent as `application/x-www-form-urlencoded`, nested objects and arrays in the qs convention. */
  form?: FormInit
  /** 'manual' (default): a 3xx is the response; 'follow' its Location; 'error': a 3xx rejects. */
  redirect?: RedirectMode
  /** The most redirects `redirect: 'follow'` follows. Default 10. */
  maxRedirects?: number
  /** Basic `{ username, password }` or `{ bearer }`; overrides the Session's `auth`. */
  auth?: AuthInit
  /** Aborts the request; its socket is destroyed, never returned to the pool. */
  signal?: AbortSignal
  /** Milliseconds for the whole exchange, body included; overrides the Session's `timeout`. 0 disables it. */
  timeout?: number
  /**
   * Send the path exactly as written: no `..` or `.` segments resolved, no percent-encoding added (for
   * path-traversal tests). CR, LF, spaces and other bytes that would split the request are still refused.
   */
  rawPath?: boolean
}

/** Every key of RequestInit, once (stream() options add theirs to it). */
export const requestKeyNames = {
  headers: true,
  query: true,
  body: true,
  json: true,
  form: true,
  redirect: true,
  maxRedirects: true,
  auth: true,
  signal: true,
  timeout: true,
  rawPath: true,
} as const satisfies { [K in keyof Required<RequestInit>]: true }
export const requestKeys = knownKeys<RequestInit>(requestKeyNames)

// RFC 9110 token: what a method or a header name may contain.
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const forbiddenInValue = /[\r\n\0]/

/** Checks a method name and returns it upper-cased when it is one of the standard ones. */
export function checkMethod(method: unknown): string {
  // The session's own methods pass these: no token check needed (it was a regex test per request).
  if (typeof method === 'string' && standardMethods.has(method)) return method
  if (typeof method !== 'string' || !token.test(method)) {
    throw new InvalidRequestError(
      `Invalid HTTP method ${JSON.stringify(method)}: a method is a token such as GET or POST, with no spaces or separators.`,
    )
  }
  const upper = method.toUpperCase()
  return standardMethods.has(upper) ? upper : method
}

const standardMethods = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
])

/** Resolves `url` against `baseUrl` and checks it is an absolute http(s) URL. */
export function resolveUrl(url: unknown, baseUrl: URL | undefined, query: QueryInit | undefined): URL {
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new InvalidRequestError(`The URL must be a string or a URL, got ${describeValue(url)}.`)
  }
  let resolved: URL
  try {
    resolved = baseUrl ? new URL(String(url), baseUrl) : new URL(String(url))
  } catch {
    throw new InvalidRequestError(
      baseUrl
        ? `Invalid URL ${JSON.stringify(String(url))} (relative to ${baseUrl.href}).`
        : /^[a-z][a-z\d+.-]*:\/\//i.test(String(url))
          ? `Invalid URL ${JSON.stringify(String(url))}: not a valid absolute URL (check the host${portHint(url)}).`
          : `Invalid URL ${JSON.stringify(String(url))}: a relative URL needs the Session's baseUrl option, ` +
            "e.g. new Session({ baseUrl: 'http://127.0.0.1:3000' }), or pass an absolute http:// URL.",
    )
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    throw new InvalidRequestError(
      `Unsupported protocol "${resolved.protocol}" in ${resolved.href}: a Session speaks http: and https: only.`,
    )
  }
  if (resolved.username || resolved.password) {
    throw new InvalidRequestError(
      `The URL ${resolved.origin} carries credentials; send them in an Authorization header instead.`,
    )
  }
  if (query) appendQuery(resolved, query)
  return resolved
}

function appendQuery(url: URL, query: QueryInit): void {
  appendParams(url.searchParams, query)
}

function appendParams(params: URLSearchParams, query: QueryInit): void {
  if (typeof query !== 'object' || query === null) {
    throw new InvalidRequestError(`query must be an object of parameters, got ${describeValue(query)}.`)
  }
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && typeof item === 'object') {
        throw new InvalidRequestError(
          `query.${key} is ${describeValue(item)}, which would be sent as "[object Object]". Give a string, number or ` +
            'boolean (or an array of them), or serialise it yourself (JSON.stringify).',
        )
      }
      params.append(key, String(item))
    }
  }
}

/** Where a request goes: undici's origin and request target, and the URL as reported. */
export interface RequestTarget {
  readonly origin: string
  /** The request target as sent on the request line. */
  readonly path: string
  readonly href: string
}

/** Resolves a URL to its origin and request target; with `rawPath`, the target is the path as written. */
export function resolveTarget(
  url: unknown,
  baseUrl: URL | undefined,
  query: QueryInit | undefined,
  rawPath: unknown,
): RequestTarget {
  if (rawPath !== undefined && typeof rawPath !== 'boolean') {
    throw new InvalidRequestError(`rawPath must be true or false, got ${describeValue(rawPath)}.`)
  }
  if (!rawPath) {
    const resolved = resolveUrl(url, baseUrl, query)
    const path = resolved.pathname + resolved.search
    return { origin: resolved.origin, path, href: resolved.href }
  }
  const text = String(url)
  // Everything after the authority is the target; the origin is checked as any URL's is.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(text)
  // A relative target takes only the base's origin (never `//host` parsed as a new authority).
  const origin =
    authority || !baseUrl
      ? resolveUrl(authority ? authority[0] : text, undefined, undefined).origin
      : baseUrl.origin
  let path = authority ? text.slice(authority[0].length) || '/' : text
  if (path[0] === '?') path = `/${path}`
  if (path[0] !== '/' && path !== '*') {
    throw new InvalidRequestError(
      `rawPath: the path ${JSON.stringify(text)} must start with "/" (or be "*"); it is sent exactly as written.`,
    )
  }
  // Visible ASCII only: a non-ASCII character has no single byte form (undici would send it as latin1).
  const bad = /[^\u0021-\u007e]/.exec(path)
  if (bad) {
    throw new InvalidRequestError(
      `rawPath: the path ${JSON.stringify(text)} contains ${JSON.stringify(bad[0])} at index ${bad.index}; ` +
        'spaces, CR, LF and other control bytes would split the request line, and non-ASCII has no single ' +
        'byte. Percent-encode it (%20, %0D, %C3%A9…).',
    )
  }
  if (query) {
    const params = new URLSearchParams()
    appendParams(params, query)
    const search = params.toString()
    if (search) path += (path.includes('?') ? '&' : '?') + search
  }
  return { origin, path, href: origin + path }
}

/** Merges default and request headers into undici's flat object, lower-cased, checking names and values. */
export function buildHeaders(
  defaults: Record<string, string | string[]>,
  headers: HeadersInit | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { ...defaults }
  if (headers === undefined) return out
  if (typeof headers !== 'object' || headers === null) {
    throw new InvalidRequestError(
      `headers must be an object or an iterable of [name, value] pairs, got ${describeValue(headers)}.`,
    )
  }
  const entries: Iterable<readonly [string, HeaderValue]> =
    Symbol.iterator in headers ? (headers as Iterable<readonly [string, string]>) : Object.entries(headers)
  for (const [name, value] of entries) {
    if (value === undefined) continue
    const key = checkHeaderName(name)
    out[key] = Array.isArray(value)
      ? value.map((v) => checkHeaderValue(name, v))
      : checkHeaderValue(name, value)
  }
  return out
}

/** Checks headers given as Session options; same rules as per-request headers. */
export function normalizeHeaders(headers: HeadersInit | undefined): Record<string, string | string[]> {
  return buildHeaders({}, headers)
}

function checkHeaderName(name: unknown): string {
  if (typeof name !== 'string' || !token.test(name)) {
    throw new InvalidRequestError(
      `Invalid header name ${JSON.stringify(name)}: header names are tokens (letters, digits, -), ` +
        'with no spaces, colons, CR or LF.',
    )
  }
  return name.toLowerCase()
}

function checkHeaderValue(name: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InvalidRequestError(
      `Header "${name}" must be a string or a number, got ${describeValue(value)}.`,
    )
  }
  const text = String(value)
  if (forbiddenInValue.test(text)) {
    throw new InvalidRequestError(
      `Header "${name}" contains CR, LF or NUL (${JSON.stringify(text)}); that would split the request ` +
        '(header injection). Remove the line breaks.',
    )
  }
  return text
}

/** Checks a timeout in milliseconds: a finite number ≥ 0 (0 disables it). */
export function checkTimeout(timeout: unknown, where: string): number {
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new InvalidRequestError(
      `${where} must be a finite number of milliseconds ≥ 0 (0 disables it), got ${describeValue(timeout)}.`,
    )
  }
  return timeout
}

/** " (a port is 1 to 65535)" when `value` reads as a URL whose port is out of range: the usual cause. */
export function portHint(value: unknown): string {
  const port = typeof value === 'string' ? /^[a-z][a-z\d+.-]*:\/\/[^/?#]*:(\d+)/i.exec(value)?.[1] : undefined
  return port !== undefined && Number(port) > 65_535 ? ' (a port is 1 to 65535)' : ''
}
