import { Hono } from 'hono'
import { stream } from 'hono/streaming'

interface Note {
  id: number
  text: string
}

/** A notes API on hono: plain web-standard Request and Response, nothing Node-specific. */
export function createApp(): Hono {
  const notes: Note[] = []
  const app = new Hono()
  app.get('/notes', (c) => c.json(notes))
  app.post('/notes', async (c) => {
    const { text } = await c.req.json<{ text?: string }>()
    if (!text) return c.json({ error: 'text is required' }, 400)
    const note = { id: notes.length + 1, text }
    notes.push(note)
    return c.json(note, 201, { location: `/notes/${note.id}` })
  })
  app.get('/notes/:id', (c) => {
    const note = notes.find((n) => n.id === Number(c.req.param('id')))
    return note ? c.json(note) : c.json({ error: 'not found' }, 404)
  })
  // Where the request says it went: an absolute URL, as in any fetch handler.
  app.get('/whoami', (c) => c.text(c.req.url))
  // A body written in three parts, each flushed as it is written.
  app.get('/countdown', (c) =>
    stream(c, async (out) => {
      for (const n of ['3\n', '2\n', '1\n']) {
        await out.write(n)
        await out.sleep(10)
      }
    }),
  )
  return app
}
