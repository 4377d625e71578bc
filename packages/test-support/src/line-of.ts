import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The 1-based line of a source file that holds `marker` (a comment at the end of the line that made a
 * request, say): failure messages name that line, and a test compares them without hard-coding a number.
 * The line that asks for the marker holds it too, quoted: quoted occurrences are skipped. The marker must
 * appear exactly once otherwise, so an edit that copies it fails loudly instead of matching the wrong line.
 */
export function lineOf(file: string | URL, marker: string): number {
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file
  const quoted = ["'", '"', '`'].map((quote) => `${quote}${marker}${quote}`)
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => (quoted.some((q) => line.includes(q)) ? '' : line))
  const found = lines.flatMap((line, index) => (line.includes(marker) ? [index + 1] : []))
  if (found.length !== 1) {
    throw new Error(`marker ${marker} must appear exactly once in ${path}, found it on ${found.length} lines`)
  }
  return found[0]!
}
