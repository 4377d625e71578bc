/**
 * Names a value the way a person would when saying what a matcher was given: "undefined", "the number 3",
 * "a Promise (missing await?)", "an instance of Foo", "a plain object with keys a, b".
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
    case 'number':
    case 'bigint':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`
    case 'symbol':
      return `the symbol ${String(value)}`
    case 'function':
      return value.name ? `a function named ${value.name}` : 'an anonymous function'
  }
  if (typeof (value as { then?: unknown }).then === 'function') {
    return 'a Promise (is an await missing?)'
  }
  if (Array.isArray(value)) return `an array of ${value.length}`
  const prototype = Object.getPrototypeOf(value)
  if (prototype === null || prototype === Object.prototype) {
    const keys = Object.keys(value as object)
    if (keys.length === 0) return 'an empty plain object'
    const shown = keys.slice(0, 5).join(', ')
    return `a plain object with keys ${shown}${keys.length > 5 ? ', …' : ''}`
  }
  const name = (prototype as { constructor?: { name?: string } }).constructor?.name
  return name ? `an instance of ${name}` : 'an object'
}
