import { spinup } from '@spinup/fixtures/vitest'
import { defineConfig } from 'vitest/config'

// A project of its own that fails on purpose: test/streamed.test.ts runs it in a child vitest and checks how
// it fails. The example project's `include` (test/**) never collects it.
export default defineConfig({ plugins: [spinup({ summary: false })], test: { include: ['*.test.ts'] } })
