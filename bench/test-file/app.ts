import express from 'express'

interface User {
  id: number
  name: string
}

/** A small express 5 API with its own in-memory store: each call is a fresh app, as each test gets. */
export function createApp(): express.Express {
  const users = new Map<number, User>([
    [1, { id: 1, name: 'Ada' }],
    [2, { id: 2, name: 'Grace' }],
  ])
  let nextId = 3
  const app = express()
  app.use(express.json())
  app.get('/users', (_req, res) => {
    res.json([...users.values()])
  })
  app.get('/users/:id', (req, res) => {
    const user = users.get(Number(req.params.id))
    if (user) res.json(user)
    else res.status(404).json({ error: `no user ${req.params.id}` })
  })
  app.post('/users', (req, res) => {
    const user = { id: nextId++, name: String(req.body?.name) }
    users.set(user.id, user)
    res.status(201).json(user)
  })
  return app
}
