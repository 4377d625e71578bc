import type { Readable } from 'node:stream'
import { FormData as UndiciFormData, Response as UndiciResponse } from 'undici'
import { InvalidRequestError } from './errors.js'
import { encodeForm } from './form-body.js'
import { describeValue } from './format/describe-value.js'
import type { RequestInit } from './request-input.js'

/** A body as undici sends it. */
export type BodyValue = string | Uint8Array | Readable | AsyncIterable<Uint8Array> | null

/**
 * Turns `json`, `form` or `body` (only one of them) into what undici sends, setting the content-type the
 * body implies unless the caller set one. FormData and Blob are encoded by the platform's own Response
 * (multipart boundaries and file parts are not ours to write) and held in memory, so they can be resent.
 */
export function encodeBody(
  init: RequestInit,
  headers: Record<string, string | string[]>,
): BodyValue | Promise<BodyValue> {
  const given = (['json', 'form', 'body'] as const).filter(
    (key) => init[key] !== undefined && !(key === 'body' && init.body === null),
  )
  if (given.length > 1) {
    throw new InvalidRequestError(
      `Give one of \`json\`, \`form\` or \`body\`, not ${given.map((k) => `\`${k}\``).join(' and ')}.`,
    )
  }
  if (init.json !== undefined) {
    headers['content-type'] ??= 'application/json'
    let text: string | undefined
    try {
      text = JSON.stringify(init.json)
    } catch (err) {
      // BigInt and circular structures throw a bare TypeError from JSON.stringify.
      throw new InvalidRequestError(
        `json cannot be serialised: ${(err as Error).message}. Convert BigInt values to strings (or numbers) ` +
          'and remove circular references, or pass a string as `body`.',
      )
    }
    if (text === undefined)
      throw new InvalidRequestError(`json is not serialisable: ${describeValue(init.json)}.`)
    return text
  }
  if (init.form !== undefined) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
    return encodeForm(init.form)
  }
  const body = init.body ?? null
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return body
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8'
    return body.toString()
  }
  if (body instanceof FormData) return viaResponse(new Response(body), headers)
  if (body instanceof UndiciFormData) return viaResponse(new UndiciResponse(body), headers)
  if (body instanceof Blob) {
    if (body.type) headers['content-type'] ??= body.type
    return body.arrayBuffer().then((bytes) => new Uint8Array(bytes))
  }
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function')
    return body as BodyValue
  throw new InvalidRequestError(
    `body must be a string, a Uint8Array/Buffer, URLSearchParams, a Blob, FormData, a Readable or an async ` +
      `iterable, got ${describeValue(body)}. For an object, use \`json\` (or \`form\` for form fields).`,
  )
}

async function viaResponse(
  encoded: Response | UndiciResponse,
  headers: Record<string, string | string[]>,
): Promise<Uint8Array> {
  // Always this content-type: it carries the boundary, and any other would not match the body.
  headers['content-type'] = encoded.headers.get('content-type')!
  return new Uint8Array(await encoded.arrayBuffer())
}
