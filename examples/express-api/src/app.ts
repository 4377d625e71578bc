import express, { type NextFunction, type Request, type Response } from 'express'

interface User {
  id: number
  name: string
}

/**
 * A small express 5 API with an in-memory store. Each call makes a new app with its own store, so a test
 * that gets a fresh app gets fresh data.
 */
export function createApp(): express.Express {
  const users = new Map<number, User>([
    [1, { id: 1, name: 'Ada' }],
    [2, { id: 2, name: 'Grace' }],
  ])
  let nextId = 3
  const app = express()
  app.use(express.json())

  app.get('/health', (_req, res) => {
    res.send('ok')
  })
  app.get('/users', (req, res) => {
    const limit = Number(req.query.limit ?? users.size)
    res.json([...users.values()].slice(0, limit))
  })
  app.get('/users/:id', (req, res) => {
    const user = users.get(Number(req.params.id))
    if (user) res.json(user)
    else res.status(404).json({ error: `no user ${req.params.id}` })
  })
  app.post('/users', (req, res) => {
    const name: unknown = req.body?.name
    if (typeof name !== 'string' || name === '') {
      res.status(400).json({ error: 'name is required' })
      return
    }
    const user = { id: nextId++, name }
    users.set(user.id, user)
    res.status(201).location(`/users/${user.id}`).json(user)
  })
  app.delete('/users/:id', (req, res) => {
    res.sendStatus(users.delete(Number(req.params.id)) ? 204 : 404)
  })
  // express 5 passes a rejected promise to the error handler by itself.
  app.get('/reports/broken', async () => {
    throw new Error('the report generator is down')
  })
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: error.message })
  })
  return app
}
