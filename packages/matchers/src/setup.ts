/**
 * Registers the matchers of @spinup/matchers with vitest's `expect`, and carries their types:
 * `test: { setupFiles: ['@spinup/matchers/setup'] }` in vitest.config.ts.
 */
import { expect } from 'vitest'
import { matchers } from './matchers.js'
import './vitest-types.js'

expect.extend(matchers)
