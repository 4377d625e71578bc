/** The same file with supertest: `request(app)` per request, which listens on a new port each time. */
import type { Express } from 'express'
import request from 'supertest'
import { beforeEach, expect, test } from 'vitest'
import { createApp } from './app.js'
import { testCount, timeTheFile } from './shape.js'

timeTheFile()
let app: Express

beforeEach(() => {
  app = createApp()
})

for (let i = 0; i < testCount; i++) {
  test(`users API, case ${i}`, async () => {
    const one = await request(app).get('/users/1').expect(200)
    expect(one.body).toEqual({ id: 1, name: 'Ada' })
    const created = await request(app)
      .post('/users')
      .send({ name: `user ${i}` })
      .expect(201)
    expect(created.body).toEqual({ id: 3, name: `user ${i}` })
    const all = await request(app).get('/users').expect(200)
    expect(all.body).toHaveLength(3)
  })
}
