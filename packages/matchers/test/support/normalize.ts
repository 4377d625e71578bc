import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lineOf } from '@spinup/test-support'

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

/** `path:line:` of the line of a test file that holds `marker`, as formatSocket prints a call site. */
export function locationOf(fileUrl: string, marker: string): string {
  // formatSocket prints call sites relative to the working directory.
  return `${relative(process.cwd(), fileURLToPath(fileUrl))}:${lineOf(fileUrl, marker)}:`
}
