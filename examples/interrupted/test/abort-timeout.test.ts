/**
 * A request that is aborted, or runs past its timeout, destroys its socket instead of handing a half-used
 * connection back to the pool. Checked where it matters: the server sees the connection close, and the OS
 * no longer lists it.
 */
import { RequestAbortedError, RequestTimeoutError } from '@spinup/client'
import { osSockets } from '@spinup/client/os'
import { useServer } from '@spinup/fixtures'
import { expect, test } from 'vitest'
import { app } from '../src/app.js'

const api = useServer(app)

/** The connections this process holds to the server, as the kernel lists them. */
const osConnectionsToServer = () =>
  osSockets({ remotePort: api.port }).filter((socket) => socket.state === 'ESTABLISHED')

/** Resolves once the server has received a request for `url` (it is in flight there). */
async function serverReceived(url: string): Promise<void> {
  await expect.poll(() => api.connections().inFlight.map((r) => r.url)).toEqual([url])
}

test('an aborted request closes its socket: the server sees the close, the OS lists nothing', async () => {
  const controller = new AbortController()
  const pending = api.session.get('/slow', { signal: controller.signal })
  await serverReceived('/slow')
  expect(osConnectionsToServer()).toHaveLength(1)

  controller.abort()
  const error = await pending.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(RequestAbortedError)
  expect(error).toMatchObject({ name: 'RequestAbortedError', code: 'SPINUP_ABORTED' })

  expect(api.session).toHaveOpenSockets(0)
  expect(osConnectionsToServer()).toEqual([])
  await expect.poll(() => api).toHaveOpenConnections(0) // the server learns of the close a moment later
})

test('a request past its timeout closes its socket too', async () => {
  const error = await api.session.get('/slow', { timeout: 200 }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(RequestTimeoutError)
  expect(error).toMatchObject({ name: 'RequestTimeoutError', code: 'SPINUP_TIMEOUT' })

  expect(api.session).toHaveOpenSockets(0)
  expect(osConnectionsToServer()).toEqual([])
  await expect.poll(() => api).toHaveOpenConnections(0)
})

test('the next request after an abort gets a fresh connection and succeeds', async () => {
  const controller = new AbortController()
  const pending = api.session.get('/slow', { signal: controller.signal })
  await serverReceived('/slow')
  controller.abort()
  await expect(pending).rejects.toMatchObject({ code: 'SPINUP_ABORTED' })

  const res = await api.session.get('/ok')
  expect(await res.text()).toBe('ok')
  expect(api.session).toHaveOpenedSocketsInTotal(2) // the aborted one was never handed out again
  expect(api.session).toHaveIdleSockets(1)
})
