import { defineConfig } from 'vitest/config'

// The runs the runner's tests start in a child vitest: their files end in .child.ts, so the
// test-support project itself never collects them.
export default defineConfig({
  test: {
    include: ['*.child.ts'],
    testTimeout: 60_000,
  },
})
