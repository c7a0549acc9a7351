// The newsletter example (`npm start`): crud() over the members, lists and subscriptions
// tables, on the embedded PGlite in memory and on PostgreSQL.
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { sql } from 'drizzle-orm'
import type { FieldError, Saker } from 'saker'
import { connectDatabase, type Database } from 'saker/crud'
import { inject, serve } from 'saker/testing'
import { newsletterApp } from '../../examples/newsletter/app.ts'
import { createTables } from '../../examples/newsletter/schema.ts'
import { forEachDatabase } from '../helpers/databases.ts'

const PROBLEM = 'application/problem+json'
const MEMBERS = '/api/v1/members'

const ADA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }
const GRACE = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }
const ALAN = { first_name: 'Alan', last_name: 'Turing', email: 'alan@example.com' }

function problem(status: number, title: string, code: string, detail: string, instance: string) {
  return { type: 'about:blank', title, status, code, detail, instance }
}
const notFound = (id: number | string) =>
  problem(404, 'Not Found', 'NOT_FOUND', `No members row has the key ${id}.`, `${MEMBERS}/${id}`)
const duplicate = (instance: string) => ({
  ...problem(409, 'Conflict', 'UNIQUE_VIOLATION', 'The email is already taken.', instance),
  errors: [{ in: 'body', path: '/email', message: 'is already taken' }],
})
const invalid = (instance: string, errors: FieldError[]) => ({
  ...problem(
    422,
    'Unprocessable Entity',
    'VALIDATION_FAILED',
    'The request has invalid values; see errors.',
    instance,
  ),
  errors,
})

function assertProblem(res: Awaited<ReturnType<typeof inject>>, status: number, body: object): void {
  assert.equal(res.statusCode, status, res.payload)
  assert.equal(res.headers['content-type'], PROBLEM)
  assert.deepEqual(res.json(), body)
}

forEachDatabase(
  'examples/newsletter',
  (target) => {
    let db: Database
    let api: Saker

    before(async () => {
      // The embedded default exactly as `npm start` opens it, but in memory.
      db =
        target.name === 'pglite'
          ? await connectDatabase({ url: '', dataDir: 'memory://' })
          : await target.connect()
      await createTables(db)
      await createTables(db) // a second start finds the tables and keeps them
      api = newsletterApp(db, { logger: false })
    })
    after(() => db?.close())
    beforeEach(async () => {
      await db.drizzle.execute(sql.raw('TRUNCATE members, lists, subscriptions RESTART IDENTITY CASCADE'))
    })

    const add = (member: object) => inject(api, { method: 'POST', url: MEMBERS, payload: member })
    /** Ada (1), Grace (2) and Alan (3). */
    async function seed(): Promise<void> {
      for (const member of [ADA, GRACE, ALAN]) assert.equal((await add(member)).statusCode, 201)
    }

    it('POST adds a member: 201, Location and the member', async () => {
      const res = await add(ADA)
      assert.equal(res.statusCode, 201, res.payload)
      assert.equal(res.headers.location, `${MEMBERS}/1`)
      assert.equal(res.headers['content-type'], 'application/json')
      assert.deepEqual(res.json(), { id: 1, ...ADA })
      const second = await add(GRACE)
      assert.equal(second.headers.location, `${MEMBERS}/2`)
      assert.deepEqual(second.json(), { id: 2, ...GRACE })
      assert.deepEqual((await inject(api, `${MEMBERS}/1`)).json(), { id: 1, ...ADA })
    })

    it('a taken email, in any case, is 409 UNIQUE_VIOLATION naming /email', async () => {
      await add(ADA)
      for (const email of ['ada@example.com', 'ADA@example.com', 'Ada@Example.COM']) {
        assertProblem(await add({ ...GRACE, email }), 409, duplicate(MEMBERS))
      }
      assert.equal((await inject(api, MEMBERS)).json().num_results, 1)
    })

    it('invalid, unknown, missing and empty fields are 422, each listed', async () => {
      assertProblem(
        await add({ ...ADA, email: 'ada-at-example.com' }),
        422,
        invalid(MEMBERS, [
          { in: 'body', path: '/email', message: "Expected string to match 'email' format" },
        ]),
      )
      assertProblem(
        await add({ ...ADA, id: 99, nickname: 'Countess' }),
        422,
        invalid(MEMBERS, [
          { in: 'body', path: '/id', message: 'Unexpected property' },
          { in: 'body', path: '/nickname', message: 'Unexpected property' },
        ]),
      )
      assertProblem(
        await add({ first_name: '', email: 'ada@example.com' }),
        422,
        invalid(MEMBERS, [
          { in: 'body', path: '/last_name', message: 'Expected required property' },
          { in: 'body', path: '/first_name', message: 'Expected string length greater or equal to 1' },
        ]),
      )
    })

    it('GET lists pages in the {num_results, page, total_pages, objects} envelope', async () => {
      const empty = await inject(api, MEMBERS)
      assert.equal(empty.statusCode, 200)
      assert.deepEqual(empty.json(), { num_results: 0, page: 1, total_pages: 0, objects: [] })
      await seed()
      const page = (n: number) => inject(api, `${MEMBERS}?page=${n}&results_per_page=2`)
      assert.deepEqual((await page(1)).json(), {
        num_results: 3,
        page: 1,
        total_pages: 2,
        objects: [
          { id: 1, ...ADA },
          { id: 2, ...GRACE },
        ],
      })
      assert.deepEqual((await page(2)).json(), {
        num_results: 3,
        page: 2,
        total_pages: 2,
        objects: [{ id: 3, ...ALAN }],
      })
      assert.deepEqual((await page(3)).json(), { num_results: 3, page: 3, total_pages: 2, objects: [] })
      // page and results_per_page default to 1 and 10; more than 100 is capped at 100.
      for (const url of [MEMBERS, `${MEMBERS}?results_per_page=101`]) {
        assert.deepEqual((await inject(api, url)).json(), {
          num_results: 3,
          page: 1,
          total_pages: 1,
          objects: [
            { id: 1, ...ADA },
            { id: 2, ...GRACE },
            { id: 3, ...ALAN },
          ],
        })
      }
    })

    it('a bad page is 400 INVALID_QUERY', async () => {
      const url = `${MEMBERS}?page=0`
      const message = 'page must be an integer from 1 to 2147483647'
      assertProblem(await inject(api, url), 400, {
        ...problem(400, 'Bad Request', 'INVALID_QUERY', `The query is invalid: ${message}.`, url),
        errors: [{ in: 'query', path: '/page', message }],
      })
    })

    it("the seeds' queries: filter by email like, sort", async () => {
      await seed()
      await add({ first_name: 'Edsger', last_name: 'Dijkstra', email: 'edsger@cs.utexas.edu' })
      const q = JSON.stringify({
        filters: [{ name: 'email', op: 'like', val: '%@example.com' }],
        order_by: [{ field: 'last_name', direction: 'desc' }],
      })
      const expected = {
        num_results: 3,
        page: 1,
        total_pages: 1,
        objects: [
          { id: 3, ...ALAN },
          { id: 1, ...ADA },
          { id: 2, ...GRACE },
        ],
      }
      const json = await inject(api, `${MEMBERS}?q=${encodeURIComponent(q)}`)
      assert.equal(json.statusCode, 200, json.payload)
      assert.deepEqual(json.json(), expected)
      const short = await inject(api, `${MEMBERS}?email[like]=%25@example.com&sort=-last_name`)
      assert.deepEqual(short.json(), expected)
    })

    it('include=lists embeds the lists, lists.name= filters on them', async () => {
      await seed()
      for (const name of ['news', 'events']) {
        assert.equal(
          (await inject(api, { method: 'POST', url: '/api/v1/lists', payload: { name } })).statusCode,
          201,
        )
      }
      for (const [member_id, list_id] of [
        [1, 1],
        [1, 2],
        [3, 2],
      ]) {
        const res = await inject(api, {
          method: 'POST',
          url: '/api/v1/subscriptions',
          payload: { member_id, list_id },
        })
        assert.equal(res.statusCode, 201, res.payload)
      }
      const included = await inject(api, `${MEMBERS}?include=lists&fields=id,first_name`)
      assert.equal(included.statusCode, 200, included.payload)
      assert.deepEqual(included.json().objects, [
        {
          id: 1,
          first_name: 'Ada',
          lists: [
            { id: 1, name: 'news' },
            { id: 2, name: 'events' },
          ],
        },
        { id: 2, first_name: 'Grace', lists: [] },
        { id: 3, first_name: 'Alan', lists: [{ id: 2, name: 'events' }] },
      ])
      assert.deepEqual((await inject(api, `${MEMBERS}?lists.name=news&fields=id,email`)).json(), {
        num_results: 1,
        page: 1,
        total_pages: 1,
        objects: [{ id: 1, email: ADA.email }],
      })
      assert.deepEqual((await inject(api, `${MEMBERS}?lists.name=events&fields=id`)).json().objects, [
        { id: 1 },
        { id: 3 },
      ])
      // A subscription to a list that does not exist is 409.
      assertProblem(
        await inject(api, {
          method: 'POST',
          url: '/api/v1/subscriptions',
          payload: { member_id: 2, list_id: 9 },
        }),
        409,
        {
          ...problem(
            409,
            'Conflict',
            'FOREIGN_KEY_VIOLATION',
            'The list_id refers to a row that does not exist.',
            '/api/v1/subscriptions',
          ),
          errors: [{ in: 'body', path: '/list_id', message: 'refers to a row that does not exist' }],
        },
      )
    })

    it('GET one member; 404 for an unknown id; 422 for a bad id', async () => {
      await seed()
      const res = await inject(api, `${MEMBERS}/2`)
      assert.equal(res.statusCode, 200)
      assert.equal(res.headers['content-type'], 'application/json')
      assert.deepEqual(res.json(), { id: 2, ...GRACE })
      assertProblem(await inject(api, `${MEMBERS}/99`), 404, notFound(99))
      assertProblem(
        await inject(api, `${MEMBERS}/abc`),
        422,
        invalid(`${MEMBERS}/abc`, [{ in: 'params', path: '/id', message: 'Expected integer' }]),
      )
    })

    it('PUT replaces a member; 404, 422 for a partial body, 409 for a taken email', async () => {
      await seed()
      const replacement = { first_name: 'Augusta Ada', last_name: 'King', email: 'countess@example.com' }
      const res = await inject(api, { method: 'PUT', url: `${MEMBERS}/1`, payload: replacement })
      assert.equal(res.statusCode, 200, res.payload)
      assert.deepEqual(res.json(), { id: 1, ...replacement })
      assert.deepEqual((await inject(api, `${MEMBERS}/1`)).json(), { id: 1, ...replacement })
      // The old email is free again, the new one is taken.
      assert.equal((await add(ADA)).statusCode, 201)
      assertProblem(await add({ ...GRACE, email: 'Countess@example.com' }), 409, duplicate(MEMBERS))

      assertProblem(
        await inject(api, { method: 'PUT', url: `${MEMBERS}/99`, payload: ADA }),
        404,
        notFound(99),
      )
      assertProblem(
        await inject(api, { method: 'PUT', url: `${MEMBERS}/1`, payload: { first_name: 'Ada' } }),
        422,
        invalid(`${MEMBERS}/1`, [
          { in: 'body', path: '/last_name', message: 'Expected required property' },
          { in: 'body', path: '/email', message: 'Expected required property' },
        ]),
      )
      assertProblem(
        await inject(api, {
          method: 'PUT',
          url: `${MEMBERS}/1`,
          payload: { ...ADA, email: 'GRACE@example.com' },
        }),
        409,
        duplicate(`${MEMBERS}/1`),
      )
    })

    it('PATCH updates some fields; 404, 422 for an empty or unknown patch, 409 for a taken email', async () => {
      await seed()
      const res = await inject(api, {
        method: 'PATCH',
        url: `${MEMBERS}/3`,
        payload: { last_name: 'M. Turing' },
      })
      assert.equal(res.statusCode, 200, res.payload)
      assert.deepEqual(res.json(), { id: 3, ...ALAN, last_name: 'M. Turing' })
      assertProblem(
        await inject(api, { method: 'PATCH', url: `${MEMBERS}/99`, payload: { first_name: 'X' } }),
        404,
        notFound(99),
      )
      assertProblem(
        await inject(api, { method: 'PATCH', url: `${MEMBERS}/1`, payload: {} }),
        422,
        invalid(`${MEMBERS}/1`, [
          { in: 'body', path: '', message: 'Expected object to have at least 1 properties' },
        ]),
      )
      assertProblem(
        await inject(api, { method: 'PATCH', url: `${MEMBERS}/1`, payload: { id: 5 } }),
        422,
        invalid(`${MEMBERS}/1`, [{ in: 'body', path: '/id', message: 'Unexpected property' }]),
      )
      assertProblem(
        await inject(api, { method: 'PATCH', url: `${MEMBERS}/1`, payload: { email: 'Alan@Example.com' } }),
        409,
        duplicate(`${MEMBERS}/1`),
      )
    })

    it("PATCH or PUT may change the case of the member's own email, which is kept as given", async () => {
      await seed()
      const patched = await inject(api, {
        method: 'PATCH',
        url: `${MEMBERS}/1`,
        payload: { email: 'Ada@Example.com' },
      })
      assert.equal(patched.statusCode, 200, patched.payload)
      assert.deepEqual(patched.json(), { id: 1, ...ADA, email: 'Ada@Example.com' })
      const put = await inject(api, {
        method: 'PUT',
        url: `${MEMBERS}/2`,
        payload: { ...GRACE, email: 'GRACE@example.com' },
      })
      assert.equal(put.statusCode, 200, put.payload)
      assert.deepEqual(put.json(), { id: 2, ...GRACE, email: 'GRACE@example.com' })
    })

    it('DELETE removes a member: 204, then 404; the email is free again', async () => {
      await seed()
      const res = await inject(api, { method: 'DELETE', url: `${MEMBERS}/2` })
      assert.equal(res.statusCode, 204)
      assert.equal(res.payload, '')
      assertProblem(await inject(api, `${MEMBERS}/2`), 404, notFound(2))
      assertProblem(await inject(api, { method: 'DELETE', url: `${MEMBERS}/2` }), 404, notFound(2))
      assert.equal((await inject(api, MEMBERS)).json().num_results, 2)
      const again = await add(GRACE)
      assert.equal(again.statusCode, 201)
      assert.deepEqual(again.json(), { id: 4, ...GRACE })
    })

    it('an unsupported method is 405 with Allow', async () => {
      const res = await inject(api, { method: 'POST', url: `${MEMBERS}/1`, payload: ADA })
      const allow = 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT'
      assert.equal(res.headers.allow, allow)
      assertProblem(
        res,
        405,
        problem(
          405,
          'Method Not Allowed',
          'METHOD_NOT_ALLOWED',
          `This resource does not support the method; use one of: ${allow}.`,
          `${MEMBERS}/1`,
        ),
      )
    })

    it('/openapi.json documents the three tables; /docs serves Swagger UI', async () => {
      const res = await inject(api, '/openapi.json')
      assert.equal(res.statusCode, 200)
      const document = res.json()
      assert.equal(document.openapi, '3.1.0')
      assert.equal(document.info.title, 'Newsletter API')
      assert.deepEqual(Object.keys(document.paths).sort(), [
        '/api/v1/lists',
        '/api/v1/lists/{id}',
        MEMBERS,
        `${MEMBERS}/{id}`,
        '/api/v1/subscriptions',
        '/api/v1/subscriptions/{id}',
      ])
      assert.deepEqual(Object.keys(document.paths[MEMBERS]).sort(), ['get', 'post'])
      assert.deepEqual(Object.keys(document.paths[`${MEMBERS}/{id}`]).sort(), [
        'delete',
        'get',
        'patch',
        'put',
      ])
      const int32 = { minimum: -2147483648, maximum: 2147483647, type: 'integer' }
      const name = { minLength: 1, maxLength: 100, type: 'string' }
      assert.deepEqual(document.components.schemas.Member, {
        type: 'object',
        required: ['id', 'first_name', 'last_name', 'email'],
        properties: {
          id: int32,
          first_name: name,
          last_name: name,
          email: { format: 'email', maxLength: 254, type: 'string' },
        },
        additionalProperties: false,
      })
      assert.deepEqual(document.paths[MEMBERS].post.requestBody.content['application/json'].schema, {
        $ref: '#/components/schemas/MemberInput',
      })
      assert.deepEqual(document.paths[MEMBERS].post.responses['409'], {
        description: 'Conflict',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      })
      for (const component of ['MemberPage', 'List', 'Subscription', 'Problem']) {
        assert.ok(document.components.schemas[component], `no ${component} component`)
      }
      const docs = await inject(api, '/docs')
      assert.equal(docs.statusCode, 302)
      assert.equal(docs.headers.location, '/docs/')
      const page = await inject(api, '/docs/')
      assert.equal(page.statusCode, 200)
      assert.ok(page.payload.includes('<div id="swagger-ui"></div>'))
    })

    it('the API over a real socket, with fetch', async () => {
      const server = await serve(api)
      try {
        const post = (body: object) =>
          fetch(`${server.url}${MEMBERS}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        const created = await post(ADA)
        assert.equal(created.status, 201)
        assert.equal(created.headers.get('location'), `${MEMBERS}/1`)
        assert.deepEqual(await created.json(), { id: 1, ...ADA })
        const conflict = await post({ ...GRACE, email: 'ADA@EXAMPLE.COM' })
        assert.equal(conflict.status, 409)
        assert.equal(conflict.headers.get('content-type'), PROBLEM)
        assert.deepEqual(await conflict.json(), duplicate(MEMBERS))
        const list = await fetch(`${server.url}${MEMBERS}?page=1&results_per_page=10`)
        assert.deepEqual(await list.json(), {
          num_results: 1,
          page: 1,
          total_pages: 1,
          objects: [{ id: 1, ...ADA }],
        })
        const removed = await fetch(`${server.url}${MEMBERS}/1`, { method: 'DELETE' })
        assert.equal(removed.status, 204)
        assert.equal(await removed.text(), '')
      } finally {
        await server.close()
      }
    })
  },
  ['pglite', 'postgres'],
)
