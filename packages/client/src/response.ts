import type { Readable } from 'node:stream'
import { NotJsonError } from './errors.js'

/**
 * Response headers, names lower-cased. `set-cookie` is always an array (empty when the response set no
 * cookie): undici gives a string for one cookie and an array for several, and `headers['set-cookie'][0]`
 * on the string form silently yields the first character of the cookie.
 */
export interface ResponseHeaders {
  'set-cookie': string[]
  [name: string]: string | string[] | undefined
}

/** What every response knows about the exchange that produced it. */
export interface ResponseMeta {
  readonly method: string
  readonly status: number
  readonly headers: ResponseHeaders
  /** The final URL, after any redirects followed. */
  readonly url: string
  /** The URLs redirected to, in order; empty when none was followed. */
  readonly redirects: readonly string[]
}

/** undici's header object with `set-cookie` made an array. */
export function responseHeaders(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  const cookies = raw['set-cookie']
  const headers = raw as ResponseHeaders
  headers['set-cookie'] = cookies === undefined ? [] : typeof cookies === 'string' ? [cookies] : cookies
  return headers
}

abstract class ResponseBase {
  readonly method: string
  readonly status: number
  readonly headers: ResponseHeaders
  /** The final URL of the request, after any redirects followed. */
  readonly url: string
  /** The URLs redirected to, in order (superagent's convention); empty when none was followed. */
  readonly redirects: readonly string[]

  constructor(meta: ResponseMeta) {
    this.method = meta.method
    this.status = meta.status
    this.headers = meta.headers
    this.url = meta.url
    this.redirects = meta.redirects
  }

  /** True for 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  /** The first value of a header, case-insensitive. */
  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()]
    return Array.isArray(value) ? value[0] : value
  }

  protected parseJson<T>(bytes: Buffer): T {
    try {
      return JSON.parse(bytes.toString('utf8')) as T
    } catch (err) {
      throw new NotJsonError(this.method, this.url, this.status, this.header('content-type'), bytes, err)
    }
  }
}

/** A response whose body has been read in full; its connection is already back in the pool. */
export class SessionResponse extends ResponseBase {
  /** The raw body bytes (empty for HEAD and 204/304). */
  readonly body: Buffer

  constructor(meta: ResponseMeta, body: Buffer) {
    super(meta)
    this.body = body
  }

  async text(): Promise<string> {
    return this.body.toString('utf8')
  }

  /** The body parsed as JSON; a body that is not JSON rejects with NotJsonError (SPINUP_NOT_JSON). */
  async json<T = unknown>(): Promise<T> {
    return this.parseJson<T>(this.body)
  }
}

/**
 * A response whose body has not been read: it holds its socket until the body is consumed or the response
 * is disposed. Use it with `await using`, or call `dispose()` in a finally block.
 */
export class StreamedResponse extends ResponseBase {
  /** The body as a Node Readable. Consume it, or call dispose(). */
  readonly body: Readable
  readonly #dispose: () => Promise<void>

  constructor(meta: ResponseMeta, body: Readable, dispose: () => Promise<void>) {
    super(meta)
    this.body = body
    this.#dispose = dispose
  }

  /** Reads the rest of the body as bytes; the connection goes back to the pool. */
  async bytes(): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of this.body) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8')
  }

  /** Reads the rest of the body as JSON; a body that is not JSON rejects with NotJsonError. */
  async json<T = unknown>(): Promise<T> {
    return this.parseJson<T>(await this.bytes())
  }

  /**
   * Gives the socket up: a body already read to the end leaves the connection pooled; an unread or
   * half-read body is destroyed together with its connection. Resolves once the socket is closed or free.
   */
  dispose(): Promise<void> {
    return this.#dispose()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#dispose()
  }
}
