import { test } from 'vitest'

test('prints on both streams', () => {
  console.log('a line for stdout')
  console.error('a line for stderr')
})
