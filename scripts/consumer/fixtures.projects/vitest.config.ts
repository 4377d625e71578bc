// spinup() in a root config that lists projects: it reaches every project, whatever its pool.
import { spinup } from '@spinup/fixtures/vitest'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Run-wide defaults reach the workers of both pools: an unread body warns instead of failing its test.
  plugins: [spinup({ leaks: 'warn' })],
  test: { projects: ['api', 'web'] },
})
