import { formatStatus, previewBody } from '@spinup/client'
import { describeValue, indent } from '@spinup/client/format'
import type { MatcherState } from 'vitest'
import { MatcherUsageError } from './errors.js'

/** What the response matchers read: the shape of @spinup/client's SessionResponse and StreamedResponse. */
interface ResponseLike {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
  /** A Buffer when the body was read (SessionResponse), a stream otherwise. */
  readonly body: unknown
}

interface Outcome {
  readonly pass: boolean
  readonly message: () => string
  readonly actual?: unknown
  readonly expected?: unknown
}

function requireResponse(matcher: string, received: unknown): ResponseLike {
  const r = received as Partial<ResponseLike> | null
  if (
    typeof r === 'object' &&
    r !== null &&
    typeof r.status === 'number' &&
    typeof r.url === 'string' &&
    typeof r.method === 'string' &&
    typeof r.headers === 'object'
  ) {
    return r as ResponseLike
  }
  throw new MatcherUsageError(
    `${matcher}() checks a response of a spinup Session (await session.get(…)), but expect() was given ` +
      `${describeValue(received)}.`,
  )
}

function headerValues(res: ResponseLike, name: string): string[] {
  const value = res.headers[name.toLowerCase()]
  return value === undefined ? [] : typeof value === 'string' ? [value] : [...value]
}

/** The facts a failure shows about a response: request line, status, content-type, start of the body. */
function describeResponse(res: ResponseLike): string {
  const contentType = headerValues(res, 'content-type')[0]
  const body = Buffer.isBuffer(res.body)
    ? previewBody(res.body, contentType)
    : '(a streamed body, not read: read it with await res.text() to see it here)'
  return [`${res.method} ${res.url}`, `content-type: ${contentType ?? '(none)'}`, 'Body:', indent(body)].join(
    '\n',
  )
}

/**
 * `expect(res).toHaveStatus(201)`: on failure, both statuses with their reason phrases, the request, the
 * content-type and the start of the body (JSON pretty-printed), which usually says why.
 */
export function toHaveStatus(this: MatcherState, received: unknown, expected: number): Outcome {
  const res = requireResponse('toHaveStatus', received)
  if (!Number.isInteger(expected) || expected < 100 || expected > 999) {
    throw new MatcherUsageError(
      `toHaveStatus(status) takes an HTTP status such as 200, got ${describeValue(expected)}.`,
    )
  }
  const pass = res.status === expected
  return {
    pass,
    message: () =>
      [
        `expect(res)${this.isNot ? '.not' : ''}.toHaveStatus(${expected})`,
        '',
        this.isNot
          ? `Expected any status but ${formatStatus(expected)}, got it.`
          : `Expected ${formatStatus(expected)}, got ${formatStatus(res.status)}.`,
        '',
        describeResponse(res),
      ].join('\n'),
    actual: res.status,
    expected,
  }
}

/**
 * `expect(res).toHaveHeader('content-type', /json/)`: the header is present and, when given, one of its
 * values equals the string or matches the RegExp.
 */
export function toHaveHeader(
  this: MatcherState,
  received: unknown,
  name: string,
  expected?: string | RegExp,
): Outcome {
  const res = requireResponse('toHaveHeader', received)
  if (typeof name !== 'string' || name === '') {
    throw new MatcherUsageError(
      `toHaveHeader(name, expected?) takes a header name, got ${describeValue(name)}.`,
    )
  }
  if (expected !== undefined && typeof expected !== 'string' && !(expected instanceof RegExp)) {
    throw new MatcherUsageError(
      `toHaveHeader(name, expected?): expected is a string or a RegExp, got ${describeValue(expected)}.`,
    )
  }
  const values = headerValues(res, name)
  // A copy without g/y: test() on such a pattern moves its lastIndex, and a shared /json/g would then
  // pass and fail by turns.
  const pattern =
    expected instanceof RegExp ? new RegExp(expected.source, expected.flags.replace(/[gy]/g, '')) : undefined
  const matches = (value: string) =>
    expected === undefined || (pattern ? pattern.test(value) : value === expected)
  const pass = values.some(matches)
  const wanted =
    expected === undefined
      ? ''
      : `, ${typeof expected === 'string' ? JSON.stringify(expected) : String(expected)}`
  return {
    pass,
    message: () => {
      const found =
        values.length === 0
          ? `The response has no ${name.toLowerCase()} header. Headers it has: ${
              Object.keys(res.headers)
                .filter((key) => headerValues(res, key).length > 0)
                .join(', ') || 'none'
            }.`
          : `${name.toLowerCase()}: ${values.map((v) => JSON.stringify(v)).join(', ')}`
      return [
        `expect(res)${this.isNot ? '.not' : ''}.toHaveHeader(${JSON.stringify(name)}${wanted})`,
        '',
        found,
        '',
        `${res.method} ${res.url} answered ${formatStatus(res.status)}`,
      ].join('\n')
    },
    ...(expected !== undefined && typeof expected === 'string' && values.length
      ? { actual: values.length === 1 ? values[0] : values, expected }
      : {}),
  }
}

/**
 * `expect(res).toHaveJsonBody({ id: 1 })`: the body parses as JSON and matches with toMatchObject's rules
 * (extra keys allowed, asymmetric matchers welcome); vitest shows the diff.
 */
export function toHaveJsonBody(this: MatcherState, received: unknown, expected: unknown): Outcome {
  const res = requireResponse('toHaveJsonBody', received)
  if (!Buffer.isBuffer(res.body)) {
    throw new MatcherUsageError(
      'toHaveJsonBody() reads a body already read: use session.get() (buffered) rather than stream(), or ' +
        'check await res.json() with toMatchObject().',
    )
  }
  const call = `expect(res)${this.isNot ? '.not' : ''}.toHaveJsonBody(…)`
  let actual: unknown
  try {
    actual = JSON.parse(res.body.toString('utf8'))
  } catch {
    return {
      pass: false,
      message: () =>
        [call, '', `The body is not JSON (${formatStatus(res.status)}).`, '', describeResponse(res)].join(
          '\n',
        ),
    }
  }
  const pass = this.equals(actual, expected, [this.utils.iterableEquality, this.utils.subsetEquality])
  return {
    pass,
    message: () =>
      [
        call,
        '',
        pass
          ? 'The body matches, and the test said it should not.'
          : `The body of ${res.method} ${res.url} (${formatStatus(res.status)}) does not match:`,
      ].join('\n'),
    actual,
    expected,
  }
}
