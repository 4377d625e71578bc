import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Long polls waiting for an event, whichever instance holds them. A graceful shutdown answers them
 * (`answerLongPolls()`), the way a real API ends its open long polls or event streams when it stops.
 */
const longPolls = new Set<ServerResponse>()
let onLongPoll: (() => void) | undefined

/** Resolves once the next long poll has reached a server (any instance). */
export function nextLongPoll(): Promise<void> {
  return new Promise((resolve) => {
    onLongPoll = resolve
  })
}

/** Answers every open long poll with an empty list of events. */
export function answerLongPolls(): void {
  for (const res of longPolls) res.end('[]')
  longPolls.clear()
}

/**
 * A small API whose every answer says which instance gave it: `GET /instance` → `{ "instance": "…" }`,
 * `GET /users`, and `GET /events`, a long poll that stays open until there is an event (there never is
 * one here) or the server shuts down.
 */
export function createApi(instance: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-instance', instance)
    if (req.url === '/events') {
      longPolls.add(res)
      res.once('close', () => longPolls.delete(res))
      onLongPoll?.()
      return
    }
    res.setHeader('content-type', 'application/json')
    if (req.url === '/instance') res.end(JSON.stringify({ instance }))
    else if (req.url === '/users') res.end(JSON.stringify([{ id: 1, name: 'Ada' }]))
    else {
      res.statusCode = 404
      res.end(JSON.stringify({ error: 'not found' }))
    }
  }
}
