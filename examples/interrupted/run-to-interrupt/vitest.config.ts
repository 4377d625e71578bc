import { defineConfig } from 'vitest/config'

// A project of its own that never finishes: test/interrupted-run.test.ts runs it in a child vitest and
// interrupts it. The example project's `include` (test/**) never collects it.
export default defineConfig({ test: { include: ['*.test.ts'], testTimeout: 120_000 } })
