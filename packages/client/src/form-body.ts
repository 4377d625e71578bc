import { stringify } from 'qs'
import { InvalidRequestError } from './errors.js'
import { describeValue } from './format/describe-value.js'

/** A value a `form` field may hold: what `application/x-www-form-urlencoded` and qs can say. */
export type FormValue =
  | string
  | number
  | boolean
  | undefined
  | readonly FormValue[]
  | { [key: string]: FormValue }
export type FormInit = { [key: string]: FormValue }

/**
 * Encodes a `form` object as `application/x-www-form-urlencoded` in the qs convention
 * (`user[role]=admin&tags[0]=x`), which express's extended parser, qs, PHP and Rails read as nested data.
 * Every value is checked first: qs would turn a function into "" and a Date into a locale-dependent
 * string, and a test would send something else than it says.
 */
export function encodeForm(form: unknown): string {
  if (!isPlainObject(form)) {
    throw new InvalidRequestError(`form must be a plain object of fields, got ${describeValue(form)}.`)
  }
  checkFields(form, 'form')
  return stringify(form)
}

function checkFields(value: unknown, path: string): void {
  if (value === undefined || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return
    throw bad(path, `${value}`, 'give a finite number or a string')
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkFields(item, `${path}[${i}]`)
    return
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkFields(item, `${path}.${key}`)
    return
  }
  if (value instanceof Date) throw bad(path, 'a Date', 'say how to send it, e.g. date.toISOString()')
  if (typeof value === 'bigint') throw bad(path, 'a BigInt', 'send String(value)')
  if (value === null) throw bad(path, 'null', "give '' for an empty field, or leave the key out")
  throw bad(
    path,
    describeValue(value),
    'form fields are strings, numbers, booleans, arrays and plain objects',
  )
}

function bad(path: string, what: string, fix: string): InvalidRequestError {
  return new InvalidRequestError(`${path} is ${what}, which a form cannot carry: ${fix}.`)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}
