/**
 * Compile-only: `npx tsc --noEmit -p tsconfig.json` type-checks this file; nothing runs it.
 * Each `@ts-expect-error` marks a line that must NOT compile: if saker's types ever let it
 * through, the directive is unused and tsc fails.
 */
import { operation, type Static, saker, t } from 'saker'

const app = saker({ logger: false })

const MemberId = t.Object({ id: t.Integer() })
const Page = t.Object({ page: t.Integer(), tag: t.Optional(t.Array(t.String())), all: t.Boolean() })
const ClientHeaders = t.Object({ 'x-client': t.String(), 'x-retries': t.Integer() })
const NewMember = t.Object({
  email: t.String({ format: 'email' }),
  age: t.Optional(t.Integer()),
  address: t.Object({ zip: t.String() }),
})
const Member = t.Object({ id: t.Integer(), email: t.String() })
type Member = Static<typeof Member>

// ---- params, query, headers and body are typed from their schemas ----

app.post(
  '/members/:id',
  { params: MemberId, query: Page, headers: ClientHeaders, body: NewMember, response: { 200: Member } },
  (ctx) => {
    const id: number = ctx.params.id
    const page: number = ctx.query.page
    const tags: string[] | undefined = ctx.query.tag
    const all: boolean = ctx.query.all
    const client: string = ctx.headers['x-client']
    const retries: number = ctx.headers['x-retries']
    // Headers without a schema entry keep Node's types.
    const agent: string | undefined = ctx.headers['user-agent']
    const email: string = ctx.body.email
    const age: number | undefined = ctx.body.age
    const zip: string = ctx.body.address.zip

    // @ts-expect-error the params schema has no `name`
    ctx.params.name
    // @ts-expect-error `id` is a number once coerced, not a string
    const idText: string = ctx.params.id
    // @ts-expect-error `page` is a number
    const pageText: string = ctx.query.page
    // @ts-expect-error `tag` may be undefined
    const firstTags: string[] = ctx.query.tag
    // @ts-expect-error `x-retries` is a number
    const retriesText: string = ctx.headers['x-retries']
    // @ts-expect-error the body schema has no `password`
    ctx.body.password
    // @ts-expect-error `email` is a string
    const emailNumber: number = ctx.body.email
    // @ts-expect-error `age` is optional: number | undefined
    const definiteAge: number = ctx.body.age
    // @ts-expect-error `zip` is a string
    const zipNumber: number = ctx.body.address.zip

    void [id, page, tags, all, client, retries, agent, email, age, zip]
    void [idText, pageText, firstTags, retriesText, emailNumber, definiteAge, zipNumber]
    return { id, email }
  },
)

// ---- the return value must fit the 2xx response schema ----

app.get('/members/:id', { params: MemberId, response: { 200: Member } }, (ctx) => ({
  id: ctx.params.id,
  email: 'a@example.com',
}))

app.get('/async/:id', { params: MemberId, response: { 200: Member } }, async (ctx) => ({
  id: ctx.params.id,
  email: 'a@example.com',
}))

app.get('/bad-type/:id', { params: MemberId, response: { 200: Member } }, (ctx) => ({
  // @ts-expect-error `id` must be a number in the 200 schema
  id: String(ctx.params.id),
  email: 'a@example.com',
}))

app.get(
  '/missing-field',
  { response: { 200: Member } },
  // @ts-expect-error `email` is required by the 200 schema
  () => {
    return { id: 1 }
  },
)

app.get(
  '/async-bad',
  { response: { 200: Member } },
  // @ts-expect-error an async handler's value is checked too: `email` is a string
  async () => {
    return { id: 1, email: 2 }
  },
)

app.get(
  '/not-an-object',
  { response: { 200: Member } },
  // @ts-expect-error a string is not a Member
  () => 'member',
)

// A reply helper's result is always allowed: it sets the reply itself.
app.get('/helper', { response: { 200: Member } }, (ctx) => ctx.json({ anything: true }, 202))
// Returning nothing is a 204.
app.get('/nothing', { response: { 200: Member } }, () => undefined)
// Several 2xx schemas: the value fits any of them; error statuses do not count.
app.post(
  '/created',
  {
    response: { 200: Member, 201: t.Object({ created: t.Boolean() }), 404: t.Object({ gone: t.Boolean() }) },
  },
  (ctx) => (ctx.query.x === undefined ? { id: 1, email: 'a@example.com' } : { created: true }),
)
app.post(
  '/error-shape',
  { response: { 200: Member, 404: t.Object({ gone: t.Boolean() }) } },
  // @ts-expect-error a returned value is a 2xx: the 404 schema does not type it
  () => ({ gone: true }),
)

// ---- without schemas: params come from the path, the rest stays loose ----

app.get('/a/:id/b/:x', {}, (ctx) => {
  const params: { id: string; x: string } = ctx.params
  const id: string = ctx.params.id
  const x: string = ctx.params.x
  // @ts-expect-error the path declares no `y`
  ctx.params.y
  // @ts-expect-error path params are strings without a params schema
  const idNumber: number = ctx.params.id
  const query: string | string[] | undefined = ctx.query.anything
  // @ts-expect-error without a body schema the body is unknown
  const body: string = ctx.body
  void [params, id, x, idNumber, query, body]
  return { id, x }
})

app.get('/files/*', {}, (ctx) => {
  const rest: string = ctx.params['*']
  return { rest }
})

app.get('/plain', {}, (ctx) => {
  // @ts-expect-error a path without params has no params
  ctx.params.id
  return undefined
})

// ---- operation() in a class resource is typed from its schemas ----

class MemberResource {
  readonly #members = new Map<number, Member>()

  onGet = operation({ params: MemberId, response: { 200: Member } }, (ctx) => {
    const id: number = ctx.params.id
    // @ts-expect-error `id` is a number
    const idText: string = ctx.params.id
    void idText
    return this.#members.get(id) ?? { id, email: 'a@example.com' }
  })

  onPut = operation({ params: MemberId, body: NewMember, response: { 200: Member } }, (ctx) => {
    const email: string = ctx.body.email
    // @ts-expect-error the body schema has no `name`
    ctx.body.name
    return { id: ctx.params.id, email }
  })

  onPatch = operation({ params: MemberId, response: { 200: Member } }, (ctx) => ({
    id: ctx.params.id,
    // @ts-expect-error `email` must be a string in the 200 schema
    email: null,
  }))

  onDelete = operation({ query: t.Object({ hard: t.Boolean() }) }, (ctx) => {
    const hard: boolean = ctx.query.hard
    // @ts-expect-error the query schema has no `soft`
    ctx.query.soft
    void hard
    return undefined
  })
}

app.route('/resources/:id', new MemberResource())
