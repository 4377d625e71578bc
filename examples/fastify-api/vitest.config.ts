import { spinup } from '@spinup/fixtures/vitest'
import { defineProject } from 'vitest/config'

export default defineProject({
  // The matchers, their types and the socket-hygiene summary, in one line.
  plugins: [spinup()],
  test: {
    name: 'examples/fastify-api',
    include: ['test/**/*.test.ts'],
  },
})
