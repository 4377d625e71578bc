import { distance } from 'fastest-levenshtein'
import { UnknownOptionError } from './errors.js'

/** The keys an option object may have; built with `knownKeys()`. */
export interface KnownKeys {
  readonly set: ReadonlySet<string>
  /** In the order given, for the error message. */
  readonly list: readonly string[]
}

/**
 * The keys of an options type, listed once. The record form makes TypeScript check the list is complete:
 * a key added to the interface and forgotten here is a compile error, not an option rejected at run time.
 */
export function knownKeys<T extends object>(keys: { readonly [K in keyof Required<T>]: true }): KnownKeys {
  const list = Object.keys(keys)
  return { set: new Set(list), list }
}

/**
 * Rejects any own key of `options` that is not known, with a coded error naming the key, `where` it was
 * given ("Session options", "request options", …) and the nearest known key. A typo in an option name
 * would otherwise be silently ignored, and the test would go on testing something else.
 */
export function checkOptionKeys(options: object, known: KnownKeys, where: string): void {
  for (const key in options) {
    if (!Object.hasOwn(options, key) || known.set.has(key)) continue
    throw new UnknownOptionError(key, where, nearestKey(key, known.list), known.list)
  }
}

/** The known key a mistyped one most likely meant, or undefined when none is close. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of known) {
    const other = candidate.toLowerCase()
    // Case slips (baseURL) and a dropped or added plural (header, cookie) are the common typos.
    if (other === lower) return candidate
    const d = distance(lower, other)
    if (d < bestDistance) {
      bestDistance = d
      best = candidate
    }
  }
  // Two edits cover a swapped pair of letters (prot); beyond about a third of a longer word changed, a
  // suggestion is more confusing than helpful. Keys of three letters or fewer get one edit.
  const allowed = key.length <= 3 ? 1 : Math.max(2, Math.floor(key.length / 3))
  if (bestDistance <= allowed) return best
  // A truncated name (`base` for `baseUrl`) is far by edit distance but still clearly meant.
  if (lower.length >= 3) return known.find((candidate) => candidate.toLowerCase().startsWith(lower))
  return undefined
}
