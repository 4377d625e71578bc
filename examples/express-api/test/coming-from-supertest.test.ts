/**
 * The "coming from supertest" section of @spinup/client's README, run: each supertest idiom's spinup form.
 */
import { createServer } from 'node:http'
import { useServer } from '@spinup/fixtures'
import type {} from '@spinup/matchers'
import express from 'express'
import { expect, test } from 'vitest'

function createApp() {
  const app = express()
  app.use(express.urlencoded({ extended: true }))
  app.post('/login', (req, res) => {
    res.cookie('sid', `user-${req.body.user.name}`, { httpOnly: true }).redirect(303, '/me')
  })
  app.get('/me', (req, res) => {
    const sid = /sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
    if (!sid) return res.status(401).json({ error: 'not logged in' })
    res.json({ sid, auth: req.headers.authorization ?? null })
  })
  return app
}

const api = useServer({ server: () => createServer(createApp()) })

test('supertest idioms, in spinup', async () => {
  const session = api.session
  // request(app).post('/login').type('form').send({ user: { name: 'ada' } }).redirects(1)
  const login = await session.post('/login', { form: { user: { name: 'ada' } }, redirect: 'follow' })
  // .expect(200)
  expect(login).toHaveStatus(200)
  // .expect('Content-Type', /json/)
  expect(login).toHaveHeader('content-type', /json/)
  // .expect({ sid: 'user-ada' }) (spinup: toMatchObject rules)
  expect(login).toHaveJsonBody({ sid: 'user-ada' })
  // res.redirects
  expect(login.redirects).toEqual([`${api.origin}/me`])
  // const agent = request.agent(app): the session's cookie jar carries sid on
  expect(await session.get('/me')).toHaveJsonBody({ sid: 'user-ada' })
  // .auth('ada', 'pw') and .auth(token, { type: 'bearer' })
  expect(await session.get('/me', { auth: { username: 'ada', password: 'pw' } })).toHaveJsonBody({
    auth: 'Basic YWRhOnB3',
  })
  expect(await session.get('/me', { auth: { bearer: 'tok' } })).toHaveJsonBody({ auth: 'Bearer tok' })
  // res.headers['set-cookie'][0]: always an array in spinup
  const again = await session.post('/login', { form: { user: { name: 'bob' } } })
  expect(again.headers['set-cookie'][0]).toMatch(/^sid=user-bob; Path=\/; HttpOnly$/)
  // .set('Cookie', 'sid=other') wins over the jar for that name
  expect(await session.get('/me', { headers: { cookie: 'sid=other' } })).toHaveJsonBody({ sid: 'other' })
  // .expect(401) on a session without the cookie
  session.cookies.clear()
  expect(await session.get('/me')).toHaveStatus(401)
})
