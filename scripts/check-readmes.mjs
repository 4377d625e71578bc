#!/usr/bin/env node
/**
 * The READMEs are the spec, so their samples are checked against the code (CI runs this after the build):
 *
 * 1. Every ```ts block of every README is type-checked against the built packages, with one `tsc` run. Each
 *    block becomes a module in a `.readme-samples/` folder next to its README (the root README's go to
 *    packages/fixtures, which depends on every package), so its imports resolve as they would for a user
 *    of that folder. A block may be a fragment: `session`, `Session`, `api`, `server`, `agent`, `app`,
 *    `url` and vitest's `expect`, `test`, hooks are declared for it (see PRELUDE); anything else it imports.
 *    A relative import (`../src/app.js`) gets a stub whose every named export is `any`.
 * 2. Every quoted output (a ``` block without a language; ```text is for diagrams and prose) must be what a test saw: each of its
 *    lines, in order, in one inline snapshot of the tests (`toMatchInlineSnapshot`), with ports, ages, ids
 *    and line numbers made equal on both sides. Spacing counts: a quote with two spaces where the code
 *    prints one is drift.
 *
 * A block that cannot be checked says why, in an HTML comment on the line before its fence:
 * `<!-- not checked: a sketch of a custom reporter -->`. Those are listed at the end, never silently passed.
 *
 * Usage: node scripts/check-readmes.mjs [--keep]   (--keep leaves the .readme-samples folders to debug)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const keep = process.argv.includes('--keep')
const SAMPLES = '.readme-samples'

/** Names a fragment may use without declaring them, as the READMEs use them. */
const PRELUDE = `import type { RequestListener } from 'node:http'
import type { Session as SessionClass } from '@spinup/client'
import type { RunningServer, ServerHandle } from '@spinup/fixtures'
import type { Agent } from 'undici'
import type * as vitest from 'vitest'

declare global {
  /** A Session, as in "expect(session).toHaveOpenSockets(0)", and the class. */
  const session: SessionClass
  const Session: typeof SessionClass
  /** The application under test, as a request listener. */
  const app: RequestListener
  /** A useServer() handle. */
  const api: ServerHandle
  /** A startServer() result. */
  const server: RunningServer
  /** An undici Agent. */
  const agent: Agent
  /** A URL string. */
  const url: string
  /** vitest's, as a test file imports them. */
  const expect: typeof vitest.expect
  const test: typeof vitest.test
  const describe: typeof vitest.describe
  const beforeAll: typeof vitest.beforeAll
  const afterAll: typeof vitest.afterAll
  const beforeEach: typeof vitest.beforeEach
  const afterEach: typeof vitest.afterEach
}
export {}
`

function readmes() {
  const found = ['README.md']
  for (const parent of ['packages', 'examples']) {
    if (existsSync(join(root, parent, 'README.md'))) found.push(`${parent}/README.md`)
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(root, parent, entry.name, 'README.md'))) {
        found.push(`${parent}/${entry.name}/README.md`)
      }
    }
  }
  return found
}

/** The fenced blocks of a README: language, first line of code (1-based), code, and a `not checked` reason. */
function blocksOf(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n')
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i])
    if (!open) continue
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line))
    if (end === -1) throw new Error(`${file}:${i + 1}: a code fence that never closes`)
    const reason = /<!--\s*not checked:\s*(.+?)\s*-->/.exec(lines[i - 1] ?? '')?.[1]
    blocks.push({ file, lang: open[1], line: i + 2, code: lines.slice(i + 1, end).join('\n'), reason })
    i = end
  }
  return blocks
}

const problems = []
const unchecked = []

// ---- 1. TypeScript samples -------------------------------------------------------------------------------

function sampleDir(readme) {
  const dir = dirname(readme)
  return join(root, dir === '.' ? 'packages/fixtures' : dir, SAMPLES)
}

/** Replaces relative imports with a stub module that exports every imported name as `any`. */
function stubRelativeImports(code, stubName) {
  const names = new Set()
  let hasDefault = false
  const rewritten = code.replace(
    /import\s+(type\s+)?([\w$]+\s*,?\s*)?(\{[^}]*\})?\s*from\s*'(\.{1,2}\/[^']+)'/g,
    (_all, type, defaultName, named) => {
      if (defaultName?.replace(',', '').trim()) hasDefault = true
      for (const part of (named ?? '').replace(/[{}]/g, '').split(',')) {
        const name = part
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0]
        if (name) names.add(name)
      }
      return `import ${type ?? ''}${defaultName ?? ''}${named ?? ''} from './${stubName}.js'`
    },
  )
  if (rewritten === code) return { code, stub: undefined }
  const stub = [...names].map((name) => `export declare const ${name}: any`)
  if (hasDefault) stub.push('declare const value: any', 'export default value')
  return { code: rewritten, stub: `// biome-ignore-all lint: a stub\n${stub.join('\n')}\n` }
}

function checkTypeScript(blocks) {
  const where = new Map() // sample file → its README block
  const dirs = new Set()
  for (const block of blocks) {
    if (block.lang !== 'ts') continue
    if (block.reason) {
      unchecked.push(block)
      continue
    }
    const dir = sampleDir(block.file)
    if (!dirs.has(dir)) {
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      dirs.add(dir)
    }
    const name = `${block.file.replace(/[/.]/g, '_')}_${block.line}`
    const { code, stub } = stubRelativeImports(block.code, `${name}.stub`)
    if (stub) writeFileSync(join(dir, `${name}.stub.ts`), stub)
    // `export {}` makes every sample a module, so its names are its own.
    writeFileSync(join(dir, `${name}.ts`), `${code}\nexport {}\n`)
    where.set(join(dir, `${name}.ts`), block)
  }
  if (where.size === 0) return
  const preludeDir = sampleDir('README.md')
  mkdirSync(preludeDir, { recursive: true })
  writeFileSync(join(preludeDir, 'prelude.d.ts'), PRELUDE)
  const tsconfig = join(root, `${SAMPLES}.tsconfig.json`)
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: './tsconfig.base.json',
      compilerOptions: { noEmit: true, skipLibCheck: true, declaration: false, declarationMap: false },
      include: [...dirs].map((dir) => `${relative(root, dir)}/*.ts`),
    }),
  )
  const tsc = join(root, 'node_modules', '.bin', 'tsc')
  const result = spawnSync(tsc, ['-p', tsconfig, '--pretty', 'false'], { encoding: 'utf8', cwd: root })
  rmSync(tsconfig)
  // tsc prints `path(line,col): error TSnnnn: text`; map each back to the README line.
  for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line)
    if (!match) continue
    const block = where.get(join(root, match[1]))
    if (!block) {
      problems.push(`${match[1]}:${match[2]}: ${match[4]}`)
      continue
    }
    const readmeLine = block.line + Number(match[2]) - 1
    const text = block.code.split('\n')[Number(match[2]) - 1]?.trim()
    problems.push(`${block.file}:${readmeLine}: ${match[4]}\n      ${text}`)
  }
  if (result.status !== 0 && problems.length === 0) {
    problems.push(`tsc failed without an error this script could place:\n${result.stdout}${result.stderr}`)
  }
  if (!keep) for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  console.log(`type-checked ${where.size} TypeScript samples`)
}

// ---- 2. Quoted output --------------------------------------------------------------------------------------

/**
 * Makes the parts that differ between runs (and between a README's story and a test's) equal: ports, ages,
 * socket ids, numbers, the test file and line that made a request, and the path of a URL. What is left is the
 * wording, the layout and the spacing, which are what drift.
 */
function normalize(text) {
  return text
    .replace(/:<(?!line>)\w+>/g, ':<port>')
    .replace(/(\d{1,3}(?:\.\d{1,3}){3}|\[[\da-f:]+\]|localhost):\d+\b/g, '$1:<port>')
    .replace(/(:<port>)\/[^\s,)]*/g, '$1/<path>')
    .replace(/\b\d+ min \d\d s\b|\b\d+\.\d s\b|\b\d+ ms\b|<age>/g, '<age>')
    .replace(/[\w./@+-]*\.[cm]?[jt]s:(\d+|<line>)(:\d+)?/g, '<file>:<line>')
    .replace(/\d+/g, '0')
}

/** Every inline snapshot of the repository's tests, as the text it holds. */
function snapshots() {
  const texts = []
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.test\.ts$/.test(entry.name)) {
        const source = readFileSync(path, 'utf8')
        for (const match of source.matchAll(
          /toMatchInlineSnapshot\(\s*`((?:\\[\s\S]|[^`\\])*)`\s*,?\s*\)/g,
        )) {
          const body = match[1].replace(/\\`/g, '`').replace(/\\\$/g, '$').replace(/\\\\/g, '\\')
          const lines = body.split('\n')
          const indent = Math.min(
            ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
          )
          const text = lines
            .map((l) => l.slice(indent))
            .join('\n')
            .trim()
            .replace(/^"|"$/g, '')
          texts.push({ path: relative(root, path), lines: normalize(text).split('\n') })
        }
      }
    }
  }
  for (const top of ['packages', 'examples']) walk(join(root, top))
  return texts
}

/**
 * Whether two lines say the same. A trailing "…" on either side stands for the rest of the line: a README
 * shortens a long hint that way, and a test leaves out what varies (which pooled socket was reused).
 */
function sameLine(quoted, snapshot) {
  const line = snapshot.trimEnd()
  if (line === quoted) return true
  if (quoted.endsWith('…')) return line.startsWith(quoted.slice(0, -1).trimEnd())
  return line.endsWith('…') && quoted.startsWith(line.slice(0, -1).trimEnd())
}

/** Whether every line of `quote` appears, in order, in `lines` (trailing spaces ignored). */
function appearsIn(quote, lines) {
  let at = 0
  for (const line of quote) {
    while (at < lines.length && !sameLine(line, lines[at])) at++
    if (at === lines.length) return false
    at++
  }
  return true
}

function checkQuotes(blocks) {
  const corpus = snapshots()
  let checked = 0
  for (const block of blocks) {
    if (block.lang !== '') continue
    if (block.reason) {
      unchecked.push(block)
      continue
    }
    const quote = normalize(block.code)
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '')
    checked++
    if (corpus.some((snapshot) => appearsIn(quote, snapshot.lines))) continue
    // A list of one-line messages (usage errors, say): each one a whole snapshot of its own.
    const oneLiners = new Set(corpus.filter((s) => s.lines.length === 1).map((s) => s.lines[0]))
    if (quote.every((line) => oneLiners.has(line))) continue
    // Name the closest snapshot and the first line of the quote it lacks, so the fix is quick.
    let best = { path: undefined, matched: -1, missing: quote[0] }
    for (const snapshot of corpus) {
      let at = 0
      let matched = 0
      for (const line of quote) {
        const found = snapshot.lines.findIndex((l, i) => i >= at && sameLine(line, l))
        if (found === -1) break
        at = found + 1
        matched++
      }
      if (matched > best.matched) best = { path: snapshot.path, matched, missing: quote[matched] }
    }
    problems.push(
      `${block.file}:${block.line}: this quoted output is in no inline snapshot of the tests. ` +
        (best.matched > 0
          ? `Closest: ${best.path} (${best.matched} of ${quote.length} lines); first line not found there ` +
            `(after normalising numbers):\n      ${best.missing}`
          : 'Quote the output a test snapshots, or say why not with <!-- not checked: … --> above the fence.'),
    )
  }
  console.log(`checked ${checked} quoted outputs against ${corpus.length} inline snapshots`)
}

const blocks = readmes().flatMap(blocksOf)
checkTypeScript(blocks)
checkQuotes(blocks)
for (const block of unchecked) console.log(`not checked: ${block.file}:${block.line} (${block.reason})`)
if (problems.length > 0) {
  console.log(`\n${problems.length} README problem(s):\n`)
  for (const problem of problems) console.log(`  ${problem}\n`)
  console.log('Fix the README (or the code, if the README is right), then: node scripts/check-readmes.mjs')
  process.exit(1)
}
console.log('check:readmes: every sample type-checks and every quoted output is one a test saw')
