/**
 * The test projects of this repository, one folder each. Vitest 4 no longer reads this file
 * on its own: vitest.config.ts loads it into `test.projects` and fails when an entry matches
 * no folder, so a renamed package can never silently drop out of the run.
 */
export default ['packages/*', 'examples/*'] as const
