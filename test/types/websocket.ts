/**
 * Compile-only, like handlers.ts: WebSocket handlers get `ctx` and messages typed from the
 * route's path and schemas. Each `@ts-expect-error` marks a line that must NOT compile.
 */
import { saker, t } from 'saker'

const app = saker({ logger: false })

// Without options: params from the path, messages as text or bytes.
app.ws('/rooms/:room', {
  open: (socket, ctx) => {
    const room: string = ctx.params.room
    // @ts-expect-error the path has no `id`
    ctx.params.id
    socket.subscribe(room)
  },
  message: (socket, data) => {
    const raw: string | Buffer = data
    // @ts-expect-error without a message schema, data is not parsed
    data.text
    socket.send(raw)
  },
  close: (_socket, code, reason) => {
    const closedWith: number = code
    const why: string = reason
    return [closedWith, why]
  },
})

// With schemas: params coerced, messages parsed.
app.ws(
  '/users/:id',
  {
    params: t.Object({ id: t.Integer() }),
    message: t.Object({ text: t.String(), to: t.Optional(t.Integer()) }),
  },
  {
    message: (socket, message, ctx) => {
      const id: number = ctx.params.id
      const text: string = message.text
      const to: number | undefined = message.to
      // @ts-expect-error the message schema has no `from`
      message.from
      socket.publish(`user:${id}`, { text, to })
      app.publish('all', text)
    },
  },
)

app.ws(
  '/limits',
  // @ts-expect-error slowConsumer is 'close' or 'drop'
  { slowConsumer: 'block' },
  {},
)
