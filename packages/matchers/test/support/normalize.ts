import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Makes a matcher message stable for a snapshot: named ports for known servers, `<port>` for the client
 * side, `<age>` for durations, socket ids renumbered by first appearance, test files by base name.
 */
export function normalize(message: string, ports: Record<string, number> = {}): string {
  let text = message
  for (const [name, port] of Object.entries(ports)) {
    text = text.replace(new RegExp(`:${port}\\b`, 'g'), `:<${name}>`)
  }
  text = text
    .replace(/(\d{1,3}(?:\.\d{1,3}){3}):\d+\b/g, '$1:<port>')
    .replace(/\b\d+ min \d\d s\b|\b\d+\.\d s\b|\b\d+ ms\b/g, '<age>')
    .replace(/(?:\/?[\w.@+-]+\/)*(test\/[\w.-]+\.ts):\d+:\d+/g, '$1:<line>')
  const ids = new Map<string, number>()
  return text.replace(/#(\d+)\b/g, (_, id: string) => {
    if (!ids.has(id)) ids.set(id, ids.size + 1)
    return `#${ids.get(id)}`
  })
}

/** Runs an assertion that must fail and returns its message (throws when it passes). */
export function failureOf(assertion: () => unknown): string {
  try {
    assertion()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the assertion passed, but this test expected it to fail')
}

/** Like failureOf, for assertions that return a promise (expect.poll). */
export async function asyncFailureOf(assertion: () => Promise<unknown>): Promise<string> {
  try {
    await assertion()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the assertion passed, but this test expected it to fail')
}

/** `path:line` of the line of a test file that holds `marker`: where a request was made. */
export function locationOf(fileUrl: string, marker: string): string {
  const path = fileURLToPath(fileUrl)
  // The line that asks for the marker holds it too, as a string: skip it.
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => (line.includes('locationOf(') ? '' : line))
  const index = lines.findIndex((line) => line.includes(marker))
  if (index < 0 || lines.findIndex((line, i) => i > index && line.includes(marker)) >= 0) {
    throw new Error(`marker ${marker} must appear exactly once in ${path}`)
  }
  // formatSocket prints call sites relative to the working directory.
  return `${relative(process.cwd(), path)}:${index + 1}:`
}
