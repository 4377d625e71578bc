import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spinup } from '@spinup/fixtures/vitest'
import { defineConfig } from 'vitest/config'
import workspace from './vitest.workspace.js'

const root = dirname(fileURLToPath(import.meta.url))

/** Expands `dir/*` entries into the folders that hold a vitest config; fails on an entry that matches none. */
function projectFolders(entries: readonly string[]): string[] {
  const folders: string[] = []
  for (const entry of entries) {
    const matched = entry.endsWith('/*')
      ? readdirSync(join(root, entry.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => `${entry.slice(0, -2)}/${d.name}`)
      : [entry]
    const projects = matched.filter((folder) => existsSync(join(root, folder, 'vitest.config.ts')))
    if (projects.length === 0) {
      throw new Error(
        `vitest.workspace.ts lists "${entry}", but no folder there has a vitest.config.ts. Fix the entry or add the project.`,
      )
    }
    folders.push(...projects)
  }
  return folders
}

export default defineConfig({
  // The one line users add: matchers, their types and the socket-hygiene summary, in every project.
  plugins: [spinup()],
  test: {
    projects: projectFolders(workspace),
    // A run that collects no test is a broken run, never a green one.
    passWithNoTests: false,
    // The JSON report feeds CI's list of failed tests; spinup() adds the hygiene summary after these.
    reporters: ['default', ['json', { outputFile: join(root, '.vitest/report.json') }]],
  },
})
