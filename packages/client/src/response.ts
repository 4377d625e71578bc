import type { Readable } from 'node:stream'

export type ResponseHeaders = Record<string, string | string[] | undefined>

/** A response whose body has been read in full; its connection is already back in the pool. */
export class SessionResponse {
  readonly status: number
  readonly headers: ResponseHeaders
  /** The final URL of the request. */
  readonly url: string
  /** The raw body bytes (empty for HEAD and 204/304). */
  readonly body: Buffer

  constructor(status: number, headers: ResponseHeaders, url: string, body: Buffer) {
    this.status = status
    this.headers = headers
    this.url = url
    this.body = body
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

  async text(): Promise<string> {
    return this.body.toString('utf8')
  }

  async json<T = unknown>(): Promise<T> {
    return JSON.parse(this.body.toString('utf8')) as T
  }
}

/**
 * A response whose body has not been read: it holds its socket until the body is consumed or the response
 * is disposed. Use it with `await using`, or call `dispose()` in a finally block.
 */
export class StreamedResponse {
  readonly status: number
  readonly headers: ResponseHeaders
  readonly url: string
  /** The body as a Node Readable. Consume it, or call dispose(). */
  readonly body: Readable
  readonly #release: () => Promise<void>
  readonly #dispose: () => Promise<void>

  constructor(
    status: number,
    headers: ResponseHeaders,
    url: string,
    body: Readable,
    release: () => Promise<void>,
    dispose: () => Promise<void>,
  ) {
    this.status = status
    this.headers = headers
    this.url = url
    this.body = body
    this.#release = release
    this.#dispose = dispose
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  /** Reads the rest of the body as bytes; the connection goes back to the pool. */
  async bytes(): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of this.body) chunks.push(chunk as Buffer)
    await this.#release()
    return Buffer.concat(chunks)
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8')
  }

  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T
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
