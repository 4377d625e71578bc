import { defineProject } from 'vitest/config'

export default defineProject({ test: { name: 'web', pool: 'threads', include: ['*.test.ts'] } })
