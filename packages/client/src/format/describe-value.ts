import { plural } from './plural.js'

/**
 * Names a value the way a person would when saying what a function was given, for every "got …" of every
 * spinup package: "undefined", "the number 3", "the string \"abc\"", "a Promise (is an await missing?)",
 * "the class Foo", "an instance of Foo", "an object with keys \"a\", \"b\"". It says what the value *is*
 * (kind, and the detail that tells two of a kind apart), never dumps it: a message stays one line.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
    // String(), not JSON.stringify: that spells NaN and Infinity "null" and throws on a bigint.
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'symbol':
      return `the ${typeof value} ${String(value)}`
    case 'function':
      return describeFunction(value as (...args: never) => unknown)
  }
  if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise (is an await missing?)'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof Response === 'function' && value instanceof Response)
    return `a Response (status ${value.status})`
  const prototype = Object.getPrototypeOf(value)
  if (prototype === null || prototype === Object.prototype) return describeKeys(Object.keys(value as object))
  const name = (prototype as { constructor?: { name?: string } }).constructor?.name
  return name ? `an instance of ${name}` : 'an object'
}

/** A class is named as one (passing it where an instance belongs is the usual mistake); a function by arity. */
function describeFunction(fn: (...args: never) => unknown): string {
  const name = fn.name ? ` ${fn.name}` : ''
  if (isClass(fn)) return `the class${name}`
  // The arity matters to callers that tell functions apart by it (a request listener from a fetch handler).
  const parameters = plural(fn.length, 'declared parameter')
  return fn.name ? `the function${name} with ${parameters}` : `an anonymous function with ${parameters}`
}

/** True for a class (its source starts with `class`, which V8 returns verbatim), not for a plain function. */
export function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn))
}

/** At most three keys, so a message stays one line. */
function describeKeys(keys: readonly string[]): string {
  if (keys.length === 0) return 'an empty object'
  const shown = keys
    .slice(0, 3)
    .map((key) => JSON.stringify(key))
    .join(', ')
  return `an object with keys ${shown}${keys.length > 3 ? `, … (${keys.length} in all)` : ''}`
}
