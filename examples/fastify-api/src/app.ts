import Fastify, { type FastifyInstance } from 'fastify'

export interface Todo {
  id: number
  title: string
  done: boolean
}

/** A stand-in for a database pool: the app opens it and closes it in its onClose hook. */
export class TodoStore {
  static closed = 0
  #todos: Todo[] = [{ id: 1, title: 'write the tests', done: false }]
  list(): Todo[] {
    return [...this.#todos]
  }
  add(title: string): Todo {
    const todo = { id: this.#todos.length + 1, title, done: false }
    this.#todos.push(todo)
    return todo
  }
  close(): void {
    TodoStore.closed++
  }
}

/** A todo API with a JSON-schema-validated body and a store closed by fastify's onClose hook. */
export function buildApp(): FastifyInstance {
  const app = Fastify()
  const store = new TodoStore()
  app.addHook('onClose', async () => store.close())
  app.get('/todos', async () => store.list())
  app.post<{ Body: { title: string } }>(
    '/todos',
    {
      schema: {
        body: {
          type: 'object',
          required: ['title'],
          properties: { title: { type: 'string', minLength: 1 } },
        },
      },
    },
    async (request, reply) => reply.code(201).send(store.add(request.body.title)),
  )
  return app
}
