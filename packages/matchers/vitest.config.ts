import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'matchers',
    include: ['test/**/*.test.ts'],
    // The package's own setup entry, exactly as users list it: it resolves to the built dist/setup.js, so
    // these tests also prove the `./setup` export (build first, as `pnpm test` does).
    setupFiles: ['@spinup/matchers/setup'],
    testTimeout: 10_000,
  },
})
