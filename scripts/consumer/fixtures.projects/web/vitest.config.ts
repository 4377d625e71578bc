import { defineProject } from 'vitest/config'

export default defineProject({ test: { name: 'web', pool: 'forks', include: ['*.test.ts'] } })
