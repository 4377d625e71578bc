import { type OsSocket, osSockets } from '../../src/os/index.js'

/** This process's ESTABLISHED connections to `port`, as the kernel lists them: the independent witness. */
export function establishedTo(port: number): OsSocket[] {
  return osSockets({ remotePort: port }).filter((s) => s.state === 'ESTABLISHED')
}
