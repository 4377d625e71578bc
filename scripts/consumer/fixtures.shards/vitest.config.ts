import { spinup } from '@spinup/fixtures/vitest'
import { defineConfig } from 'vitest/config'

export default defineConfig({ plugins: [spinup()] })
