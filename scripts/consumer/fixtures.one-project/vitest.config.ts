// No spinup() here: only the "api" project's config has it, and the summary still covers the run.
import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { projects: ['api', 'web'] } })
