import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import cookieParser from 'cookie-parser'
import express from 'express'
import multer from 'multer'

/**
 * An express 5 app with the parsers a real API uses (urlencoded extended = qs, json, cookie-parser,
 * multer), each route answering with what the parser read, so a test sees what spinup sent.
 */
export async function startExpressApp() {
  const app = express()
  const upload = multer({ storage: multer.memoryStorage() })
  app.use(express.urlencoded({ extended: true }))
  app.use(express.json())
  app.use(cookieParser('secret'))
  app.post('/echo', (req, res) => {
    res.json({ body: req.body, contentType: req.headers['content-type'] })
  })
  app.post('/upload', upload.any(), (req, res) => {
    const files = (req.files as Express.Multer.File[]).map((f) => ({
      field: f.fieldname,
      name: f.originalname,
      type: f.mimetype,
      text: f.buffer.toString('utf8'),
    }))
    res.json({ fields: req.body, files })
  })
  app.post('/login', (req, res) => {
    res.cookie('sid', `user-${req.body.name}`, { httpOnly: true, signed: true })
    res.cookie('theme', 'dark', { sameSite: 'lax' })
    res.redirect(303, '/me')
  })
  app.get('/me', (req, res) => {
    if (!req.signedCookies.sid) return res.status(401).json({ error: 'not logged in' })
    res.json({ sid: req.signedCookies.sid, theme: req.cookies.theme })
  })
  app.post('/logout', (_req, res) => {
    res.clearCookie('sid').sendStatus(204)
  })
  app.get('/auth', (req, res) => {
    res.json({ authorization: req.headers.authorization ?? null })
  })
  app.get('/old', (_req, res) => res.redirect(301, '/new'))
  app.get('/new', (_req, res) => res.type('text').send('new place'))
  app.get('/html-error', (_req, res) => res.status(500).send('<h1>Oops</h1>'))
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}
