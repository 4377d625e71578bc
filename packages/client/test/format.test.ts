import { describe, expect, test } from 'vitest'
import {
  describeValue,
  formatDuration,
  formatEndpoint,
  formatHost,
  indent,
  plural,
} from '../src/format/index.js'

describe('every package names a value it was given in the same words', () => {
  test.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [3, 'the number 3'],
    [Number.NaN, 'the number NaN'],
    [Number.POSITIVE_INFINITY, 'the number Infinity'],
    [10n, 'the bigint 10'],
    [true, 'the boolean true'],
    [Symbol('x'), 'the symbol Symbol(x)'],
    ['100', 'the string "100"'],
    ['x'.repeat(50), `the string "${'x'.repeat(40)}…"`],
    [[1, 2], 'an array of 2'],
    [{}, 'an empty object'],
    [{ a: 1, b: 2 }, 'an object with keys "a", "b"'],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5 }, 'an object with keys "a", "b", "c", … (5 in all)'],
    [Object.create(null), 'an empty object'],
    [new Map(), 'an instance of Map'],
    [Promise.resolve(1), 'a Promise (is an await missing?)'],
    [new Response('hi', { status: 201 }), 'a Response (status 201)'],
    [class App {}, 'the class App'],
    [function listener(_req: unknown, _res: unknown) {}, 'the function listener with 2 declared parameters'],
    [(_request: unknown) => {}, 'an anonymous function with 1 declared parameter'],
  ])('%o reads as %s', (value, words) => {
    expect(describeValue(value)).toBe(words)
  })
})

describe('an address reads the same on the client and the server side', () => {
  test('IPv6 is bracketed, IPv4 is not', () => {
    expect(formatHost('::1')).toBe('[::1]')
    expect(formatHost('127.0.0.1')).toBe('127.0.0.1')
    expect(formatEndpoint('::1', 3000)).toBe('[::1]:3000')
  })

  test('an IPv4-mapped IPv6 address (a dual-stack server sees one) reads as the IPv4 address it is', () => {
    expect(formatEndpoint('::ffff:127.0.0.1', 51234)).toBe('127.0.0.1:51234')
    expect(formatHost('::ffff:7f00:1')).toBe('[::ffff:7f00:1]')
  })

  test('a part not known yet (a socket not connected) is a question mark', () => {
    expect(formatEndpoint(undefined, undefined)).toBe('?:?')
  })
})

test('a duration is a number, a space and a unit: milliseconds up to 10 s, then seconds, then minutes', () => {
  expect([13, 1002, 9999.4, 12_345, 185_000, -5].map(formatDuration)).toEqual([
    '13 ms',
    '1002 ms',
    '9999 ms',
    '12.3 s',
    '3 min 05 s',
    '0 ms',
  ])
})

test('a count agrees with its noun', () => {
  expect([0, 1, 2].map((n) => plural(n, 'socket'))).toEqual(['0 sockets', '1 socket', '2 sockets'])
  expect(plural(2, 'socket is', 'sockets are')).toBe('2 sockets are')
})

test('indent shifts every line, by spaces or a prefix, and adds no line for a trailing newline', () => {
  expect(indent('a\nb')).toBe('  a\n  b')
  expect(indent('a\nb\n', '    | ')).toBe('    | a\n    | b')
  expect(indent('a', 3)).toBe('   a')
})
