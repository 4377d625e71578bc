import { dirname, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CallSite } from './types.js'

// Frames from this package, from undici and from Node itself never name the user's code. Both src/ and
// dist/ are ours: where a test runner applies source maps (vitest does for workspace packages), frames of
// dist/*.js are reported at their src/*.ts origin.
const packageRoot = dirname(dirname(fileURLToPath(import.meta.url))) + sep
const ignoredFragments = [
  `${packageRoot}src${sep}`,
  `${packageRoot}dist${sep}`,
  `${sep}node_modules${sep}undici${sep}`,
  `${sep}undici@`,
  'node:',
  '(<anonymous>)',
]

/**
 * The stack at the moment a request is made, kept unformatted: V8 builds the string only when `.stack` is
 * read, so formatting happens only when somebody asks.
 */
export type CapturedStack = { readonly stack?: string }

/** Any function: V8's captureStackTrace leaves out the frames above the given one. */
// biome-ignore lint/complexity/noBannedTypes: the cut-off may be any function, whatever its signature.
export type StackCutOff = Function

/**
 * Captures at most `frames` frames of the stack below `caller` (the public method the user called, which
 * must be on the stack). Walking frames is the cost, and it is more than a micro-benchmark shows: 1.6 µs
 * for one frame in a hot loop, 6-11 µs per request in a real request loop (cold caches), more when the
 * walk runs on into async frames. So the walk starts at the user's side of spinup and stops early: below
 * a session method the user's line is the first frame; below undici's API it is a few frames down.
 */
export function captureStack(caller: StackCutOff, frames: number): CapturedStack {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = frames
  const holder: CapturedStack = {}
  Error.captureStackTrace(holder, caller)
  Error.stackTraceLimit = limit
  return holder
}

const framePattern = /^\s*at (?:(?:async )?(.*?) \()?(.+?):(\d+):(\d+)\)?$/

/** The first frame of the captured stack that lies outside spinup, undici and Node internals. */
export function resolveCallSite(captured: CapturedStack | undefined): CallSite | undefined {
  const stack = captured?.stack
  if (!stack) return undefined
  for (const line of stack.split('\n').slice(1)) {
    if (ignoredFragments.some((fragment) => line.includes(fragment))) continue
    const match = framePattern.exec(line)
    if (!match) continue
    let file = match[2]!
    if (file.startsWith('file://')) file = fileURLToPath(file)
    const location = `${file}:${match[3]}:${match[4]}`
    return match[1] ? { location, functionName: match[1] } : { location }
  }
  return undefined
}
