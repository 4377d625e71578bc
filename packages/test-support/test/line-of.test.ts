import { expect, test } from 'vitest'
import { lineOf } from '../src/index.js'

test('lineOf finds the one line that holds the marker, skipping the line that asks for it', () => {
  const here = 5 // ← here
  expect(lineOf(import.meta.url, '// ← here')).toBe(here)
})

test('a marker that is missing, or on two lines, is an error rather than a wrong line', () => {
  expect(() => lineOf(import.meta.url, '// ← nowhere')).toThrow(/exactly once .* found it on 0 lines/)
  // ← twice
  // ← twice
  expect(() => lineOf(new URL(import.meta.url), '// ← twice')).toThrow(/found it on 2 lines/)
})
