import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A benchmark server running in its own process. */
export interface ChildServer {
  readonly pid: number
  readonly port: number
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>
}

/** Every child started here and not yet exited, so an interrupted run can still end them by PID. */
const running = new Set<ChildProcess>()
/** The ones among them that lead a process group of their own (spawned `detached`). */
const groupLeaders = new Set<ChildProcess>()

/**
 * Adds a child started elsewhere (the test-file benchmark's child vitest runs) to the children an
 * interrupted run kills. A child spawned `detached` leads its own process group, and the whole group is
 * killed: a vitest run's workers with it.
 */
export function trackChild(child: ChildProcess, options: { group: boolean }): void {
  running.add(child)
  if (options.group) groupLeaders.add(child)
  child.once('exit', () => {
    running.delete(child)
    groupLeaders.delete(child)
  })
}

/** Path of a server script in bench/servers/. */
export function serverScript(name: string): string {
  return fileURLToPath(new URL(`./servers/${name}`, import.meta.url))
}

/**
 * Starts `node <script>` on 127.0.0.1, port 0, and resolves once it prints `listening <port> …`.
 * Rejects (and kills the process) if it exits first or is not listening within `timeoutMs`.
 */
export function startChildServer(script: string, timeoutMs = 10_000): Promise<ChildServer> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child)
      resolve()
    })
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000)
  })

  return new Promise<ChildServer>((resolve, reject) => {
    let stdout = ''
    let settled = false
    const fail = (reason: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
      reject(new Error(`benchmark server ${script}: ${reason}${stderr ? `\nstderr:\n${stderr}` : ''}`))
    }
    const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs)
    child.once('error', (err) => fail(err.message))
    child.once('exit', (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`))
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (settled) return
      stdout += chunk
      const match = /^listening (\d+) /m.exec(stdout)
      if (settled || !match || child.pid === undefined) return
      settled = true
      clearTimeout(timer)
      // Keep reading (and dropping) its output so a chatty server never blocks on a full pipe.
      stdout = ''
      const pid = child.pid
      const port = Number(match[1])
      resolve({
        pid,
        port,
        origin: `http://127.0.0.1:${port}`,
        async stop(graceMs = 2_000) {
          if (child.exitCode !== null || child.signalCode !== null) return
          process.kill(pid, 'SIGTERM')
          const killer = setTimeout(() => {
            if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL')
          }, graceMs)
          await exited
          clearTimeout(killer)
        },
      })
    })
  })
}

/** Kills every child still running, by PID, synchronously: for signal handlers and process exit. */
export function killAllChildServers(): void {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(groupLeaders.has(child) ? -child.pid : child.pid, 'SIGKILL')
      } catch {
        // Already gone between the check and the kill.
      }
    }
  }
  running.clear()
  groupLeaders.clear()
}

/** How many children started here are still running (the runner checks it is 0 at the end). */
export function runningChildServers(): number {
  return running.size
}
