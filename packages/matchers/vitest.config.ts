import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'matchers',
    include: ['test/**/*.test.ts'],
    // The package's own setup entry, exactly as a user lists it (from source: tests run before a build).
    setupFiles: ['./src/setup.ts'],
    testTimeout: 10_000,
  },
})
