import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'examples/interrupted',
    include: ['test/**/*.test.ts'],
    // The matchers (expect(session).toHaveOpenedConnections(…)) in one line.
    setupFiles: ['@spinup/matchers/setup'],
  },
})
