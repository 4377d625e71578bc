#!/usr/bin/env node
/**
 * Checks every package in packages/* the way an outside user receives it: as a tarball.
 *
 * 1. `pnpm pack` each package into a temporary folder (pnpm rewrites `workspace:*` to real versions).
 * 2. `publint` and `attw` (Are the Types Wrong?, ESM-only profile) on each tarball; any error fails.
 * 3. A throwaway consumer project in another temporary folder installs all tarballs together with npm,
 *    so `@spinup/*` dependencies resolve to each other and never to the registry, plus vitest and
 *    typescript. Then each folder scripts/consumer/<package>[.variant]/ is copied in and run (see the
 *    README there): `*.mjs` run with node, `*.ts` are typechecked with `tsc --noEmit`, `*.test.*` run
 *    with vitest, as its consumer.json says (runs, texts their output must show, type checks that must
 *    fail). A folder whose package does not exist yet is skipped. Every command prints its duration.
 *
 * Usage: node scripts/check-packages.mjs [--skip-build] [--keep]
 *   --skip-build  do not run `pnpm build` first (CI builds in its test stage)
 *   --keep        keep the temporary folders and print where they are, to debug a failure
 */
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const consumerSources = join(root, 'scripts', 'consumer')
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const args = new Set(process.argv.slice(2))
const keep = args.has('--keep')
// The same pnpm the README uses: the version pinned in package.json, through npx.
const pnpm = ['npx', '-y', rootManifest.packageManager]
const bin = (name) => join(root, 'node_modules', '.bin', name)
/**
 * The environment for npm and npx. Run under `pnpm check:packages`, pnpm exports its own settings as
 * npm_config_* variables; npm does not know them (it warns) and they must not steer the consumer's install.
 */
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)))
/** A run that hangs is a failure, not a stuck CI: every command gets a time limit. */
const COMMAND_TIMEOUT_MS = 180_000

const problems = []
const tempDirs = []

function heading(text) {
  console.log(`\n-- ${text}`)
}

/** Time since `started`, for the log: where a slow check spends it. */
const seconds = (started) => `${((Date.now() - started) / 1000).toFixed(1)}s`

/** Why a finished spawnSync failed, or undefined when it succeeded. */
function failureOf(result, options) {
  if (!result.error && result.status === 0) return undefined
  return result.error
    ? result.error.code === 'ETIMEDOUT'
      ? `timed out after ${(options.timeout ?? COMMAND_TIMEOUT_MS) / 1000}s`
      : result.error.message
    : result.signal
      ? `killed by ${result.signal}`
      : `exit status ${result.status}`
}

/** Runs a command with inherited output; records a problem and returns false when it fails. */
function run(what, command, commandArgs, options = {}) {
  console.log(`$ ${[command, ...commandArgs].join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`)
  const started = Date.now()
  const result = spawnSync(command, commandArgs, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: npmEnv,
    timeout: options.timeout ?? COMMAND_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    ...options,
  })
  console.log(`   (${seconds(started)})`)
  const why = failureOf(result, options)
  if (why) {
    problems.push(`${what}: ${why}`)
    console.log(`   FAILED: ${what} (${why})`)
    return false
  }
  return true
}

/**
 * Runs a command, prints its output, and returns it (stdout and stderr together, colours removed) with
 * whether it exited 0, for checks of what a user would see.
 */
function capture(command, commandArgs, options = {}) {
  console.log(`$ ${[command, ...commandArgs].join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`)
  const started = Date.now()
  const result = spawnSync(command, commandArgs, {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: npmEnv,
    timeout: options.timeout ?? COMMAND_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
  process.stdout.write(output)
  console.log(`   (${seconds(started)})`)
  return { why: failureOf(result, options), output: stripVTControlCharacters(output) }
}

/** Records a problem for each `expect` text missing from the output and each `reject` text in it. */
function checkOutput(what, output, { expect = [], reject = [] }) {
  for (const text of expect) {
    if (!output.includes(text)) problems.push(`${what}: the output lacks ${JSON.stringify(text)}`)
  }
  for (const text of reject) {
    if (output.includes(text))
      problems.push(`${what}: the output has ${JSON.stringify(text)}, which it must not`)
  }
}

function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

function cleanUp() {
  for (const dir of tempDirs.splice(0)) {
    if (keep) console.log(`kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}
// Temporary folders go even when the run is interrupted.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp()
    process.exit(130)
  })
}

/** The publishable packages: folders of packages/ with a package.json that is not private. */
function findPackages() {
  const packagesDir = join(root, 'packages')
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name)
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      return { folder: entry.name, dir, manifest }
    })
    .filter((pkg) => !pkg.manifest.private)
}

/** Every file under dir, as paths relative to it. */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
}

function main() {
  const packages = findPackages()
  if (packages.length === 0) {
    console.log('No package found in packages/*: nothing to check is a failure, not a pass.')
    process.exit(1)
  }
  console.log(`packages: ${packages.map((pkg) => pkg.manifest.name).join(', ')}`)

  if (!args.has('--skip-build')) {
    heading('build')
    if (!run('build', pnpm[0], [...pnpm.slice(1), 'run', 'build'], { cwd: root })) return
  }

  const tarballDir = makeTempDir('spinup-pack-')
  const tarballs = []
  for (const pkg of packages) {
    const name = pkg.manifest.name
    heading(`${name}: pack`)
    const missing = ['dist'].filter((entry) => !existsSync(join(pkg.dir, entry)))
    if (missing.length > 0) {
      problems.push(`${name}: no dist/ folder; build first (npx -y ${rootManifest.packageManager} build)`)
      console.log(`   FAILED: ${problems.at(-1)}`)
      continue
    }
    const destination = join(tarballDir, pkg.folder)
    mkdirSync(destination)
    if (
      !run(`${name}: pnpm pack`, pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', destination], {
        cwd: pkg.dir,
      })
    )
      continue
    const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz'))
    if (!tarball) {
      problems.push(`${name}: pnpm pack wrote no .tgz`)
      continue
    }
    const tarballPath = join(destination, tarball)
    tarballs.push({ pkg, path: tarballPath })

    heading(`${name}: publint`)
    run(`${name}: publint`, bin('publint'), ['run', tarballPath, '--level', 'suggestion'], { cwd: root })

    heading(`${name}: attw (ESM-only profile: these packages ship no CommonJS)`)
    run(
      `${name}: attw`,
      bin('attw'),
      [tarballPath, '--profile', 'esm-only', '--format', 'table-flipped', '--no-emoji'],
      {
        cwd: root,
      },
    )
  }

  if (tarballs.length > 0) checkConsumer(tarballs)
}

/** Installs every tarball into a fresh npm project outside the workspace and runs scripts/consumer/*. */
function checkConsumer(tarballs) {
  heading('consumer project: npm install of the packed tarballs')
  const consumer = makeTempDir('spinup-consumer-')
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'spinup-consumer', private: true, type: 'module' }, null, 2)}\n`,
  )
  // Same versions as the workspace uses, so the consumer proves the tarballs, not a different toolchain.
  const devTools = ['vitest', 'typescript', '@types/node'].map(
    (name) => `${name}@${rootManifest.devDependencies[name]}`,
  )
  const installed = run(
    'consumer: npm install',
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...tarballs.map((tarball) => tarball.path),
      ...devTools,
    ],
    { cwd: consumer, timeout: 300_000 },
  )
  if (!installed) return

  const packageFolders = new Set(tarballs.map((tarball) => tarball.pkg.folder))
  const entries = existsSync(consumerSources) ? readdirSync(consumerSources, { withFileTypes: true }) : []
  // Files at the top of scripts/consumer/ (tsconfig.base.json) are shared by every suite.
  for (const entry of entries) {
    if (entry.isFile() && entry.name !== 'README.md') {
      cpSync(join(consumerSources, entry.name), join(consumer, entry.name))
    }
  }

  let ran = 0
  for (const suite of entries.filter((entry) => entry.isDirectory())) {
    // `fixtures.projects/` is a second suite for packages/fixtures.
    if (!packageFolders.has(suite.name.split('.')[0])) {
      console.log(
        `skip scripts/consumer/${suite.name}/: packages/${suite.name} does not exist yet or was not packed`,
      )
      continue
    }
    ran += runSuite(consumer, suite.name)
  }
  if (ran === 0) {
    problems.push('consumer: no file of scripts/consumer/ ran; the tarballs were installed but never used')
  }
  console.log(`consumer project: ${basename(consumer)} (${tarballs.length} tarballs)`)
}

/**
 * Runs one folder of scripts/consumer/ inside the consumer project, each suite on its own so that one
 * broken suite cannot hide another's result. Returns how many commands it ran.
 */
function runSuite(consumer, suite) {
  const suiteDir = join(consumer, suite)
  cpSync(join(consumerSources, suite), suiteDir, { recursive: true })
  const files = listFiles(suiteDir)
  const plan = existsSync(join(suiteDir, 'consumer.json'))
    ? JSON.parse(readFileSync(join(suiteDir, 'consumer.json'), 'utf8'))
    : {}
  const isTest = (file) => /\.test\.m?[jt]s$/.test(file)
  const scripts = files.filter((file) => file.endsWith('.mjs') && !isTest(file))
  const typeFiles = files.filter((file) => file.endsWith('.ts'))
  const tests = files.filter(isTest)
  const tool = (name) => join(consumer, 'node_modules', '.bin', name)
  let ran = 0

  for (const script of scripts) {
    heading(`consumer ${suite}: node ${script}`)
    run(`consumer ${suite}: node ${script}`, process.execPath, [script], { cwd: suiteDir, timeout: 60_000 })
    ran++
  }
  // consumer.json `typecheck: false`: the suite's types are another suite's job (tsc is the slow step).
  if (typeFiles.length > 0 && plan.typecheck !== false) {
    // A suite may bring its own tsconfig.json; otherwise it gets the shared strict NodeNext one.
    if (!existsSync(join(suiteDir, 'tsconfig.json'))) {
      writeFileSync(
        join(suiteDir, 'tsconfig.json'),
        `${JSON.stringify({ extends: '../tsconfig.base.json', include: ['**/*.ts'] }, null, 2)}\n`,
      )
    }
    heading(`consumer ${suite}: tsc --noEmit (${typeFiles.join(', ')})`)
    run(`consumer ${suite}: tsc --noEmit`, tool('tsc'), ['--noEmit', '-p', 'tsconfig.json'], {
      cwd: suiteDir,
    })
    ran++
  }
  // Type checks that must fail: they prove the passing one passes for the reason the suite claims.
  for (const check of plan.tscMustFail ?? []) {
    const what = `consumer ${suite}: tsc -p ${check.project} (must fail: ${check.why})`
    heading(what)
    const { why, output } = capture(tool('tsc'), ['--noEmit', '-p', check.project], { cwd: suiteDir })
    if (!why) problems.push(`${what}: it passed`)
    checkOutput(what, output, check)
    ran++
  }
  if (tests.length > 0) {
    // The suite folder is vitest's root, so a vitest.config.ts in it (plugins, setupFiles…) applies.
    // consumer.json may list the runs (sharded ones, say) and what each run's output must show.
    const runs = plan.vitest ?? [{ args: ['run'] }]
    for (const vitestRun of runs) {
      const what = `consumer ${suite}: vitest ${vitestRun.args.join(' ')}`
      heading(`${what} (${tests.join(', ')})`)
      const { why, output } = capture(tool('vitest'), [...vitestRun.args, '--root', '.'], {
        cwd: suiteDir,
        env: { ...npmEnv, CI: 'true' },
      })
      if (why) problems.push(`${what}: ${why}`)
      checkOutput(what, output, vitestRun)
      ran++
    }
  }
  return ran
}

try {
  main()
} finally {
  cleanUp()
}

heading('result')
if (problems.length > 0) {
  for (const problem of problems) console.log(`FAILED ${problem}`)
  console.log(`check:packages: ${problems.length} problem(s)`)
  process.exit(1)
}
console.log('check:packages: every package packs, lints clean and works from its tarball')
