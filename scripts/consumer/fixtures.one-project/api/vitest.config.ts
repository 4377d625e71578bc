import { spinup } from '@spinup/fixtures/vitest'
import { defineProject } from 'vitest/config'

export default defineProject({ plugins: [spinup()], test: { name: 'api', include: ['*.test.ts'] } })
