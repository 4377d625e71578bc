import { UnsupportedPlatformError } from '../errors.js'

/** True where `/proc` is there to read: Linux. Read at each call, so a test can stand in for another OS. */
export function procAvailable(): boolean {
  return process.platform === 'linux'
}

/** The one rule off Linux: every function of this layer throws, naming itself, before it reads anything. */
export function requireProc(what: string, instead?: string): void {
  if (!procAvailable()) throw new UnsupportedPlatformError(what, instead)
}
