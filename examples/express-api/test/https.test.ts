/**
 * The same express app over HTTPS: `{ https: true }` serves it with a throwaway certificate for 127.0.0.1
 * and localhost, made once per run, and the handle's session trusts that certificate. Verification stays
 * on: a client that does not trust it is refused.
 */
import { useServer } from '@spinup/fixtures'
import { Agent, request } from 'undici'
import { expect, test } from 'vitest'
import { createApp } from '../src/app.js'

// The request-listener form (an express app is one); spinup creates the TLS server around it.
const api = useServer(createApp(), { https: true })

test('the session talks HTTPS to the app, trusting its certificate', async () => {
  expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/)
  const res = await api.session.get('/users')
  expect(res.status).toBe(200)
  expect(await res.json()).toHaveLength(2)
  expect(api.session).toHaveOpenedSocketsInTotal(1)
})

test('the certificate is really checked: a client that does not trust it is refused', async () => {
  const untrusting = new Agent()
  try {
    const error = await request(`${api.origin}/health`, { dispatcher: untrusting }).catch((e: unknown) => e)
    expect((error as Error & { code?: string }).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/) // e.g. DEPTH_ZERO_SELF_SIGNED_CERT
  } finally {
    await untrusting.close()
  }
})

test('another client trusts it through api.ca, with verification on', async () => {
  const trusting = new Agent({ connect: { ca: api.ca } })
  try {
    const res = await request(`${api.origin}/health`, { dispatcher: trusting })
    expect(await res.body.text()).toBe('ok')
  } finally {
    await trusting.close()
  }
})
