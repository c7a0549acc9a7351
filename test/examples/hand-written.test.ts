import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FieldError, Saker } from 'saker'
import { inject, serve } from 'saker/testing'
import { newsletterApp } from '../../examples/hand-written/app.ts'

const PROBLEM = 'application/problem+json'
const MEMBERS = '/api/v1/members'

const ADA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }
const GRACE = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }
const ALAN = { first_name: 'Alan', last_name: 'Turing', email: 'alan@example.com' }

function problem(status: number, title: string, code: string, detail: string, instance: string) {
  return { type: 'about:blank', title, status, code, detail, instance }
}
const notFound = (id: number | string) =>
  problem(404, 'Not Found', 'NOT_FOUND', `No member has id ${id}.`, `${MEMBERS}/${id}`)
const duplicate = (email: string, instance: string) => ({
  ...problem(409, 'Conflict', 'DUPLICATE_EMAIL', `A member with email ${email} already exists.`, instance),
  errors: [{ in: 'body', path: '/email', message: 'is already registered' }],
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

function app(): Saker {
  return newsletterApp({ logger: false })
}

async function add(api: Saker, member: object) {
  return inject(api, { method: 'POST', url: MEMBERS, payload: member })
}

/** An app with Ada (1), Grace (2) and Alan (3). */
async function seeded(): Promise<Saker> {
  const api = app()
  for (const member of [ADA, GRACE, ALAN]) assert.equal((await add(api, member)).statusCode, 201)
  return api
}

function assertProblem(res: Awaited<ReturnType<typeof inject>>, status: number, body: object): void {
  assert.equal(res.statusCode, status, res.payload)
  assert.equal(res.headers['content-type'], PROBLEM)
  assert.deepEqual(res.json(), body)
}

// ---- the collection ----

describe('POST /api/v1/members', () => {
  test('adds a member: 201, Location and the member', async () => {
    const api = app()
    const res = await add(api, ADA)
    assert.equal(res.statusCode, 201)
    assert.equal(res.headers.location, `${MEMBERS}/1`)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.deepEqual(res.json(), { id: 1, ...ADA })

    const second = await add(api, GRACE)
    assert.equal(second.headers.location, `${MEMBERS}/2`)
    assert.deepEqual(second.json(), { id: 2, ...GRACE })

    const fetched = await inject(api, `${MEMBERS}/1`)
    assert.deepEqual(fetched.json(), { id: 1, ...ADA })
  })

  test('a taken email, in any case, is 409 DUPLICATE_EMAIL', async () => {
    const api = app()
    await add(api, ADA)
    for (const email of ['ada@example.com', 'ADA@example.com', 'Ada@Example.COM']) {
      const res = await add(api, { ...GRACE, email })
      assertProblem(res, 409, duplicate(email, MEMBERS))
    }
    const list = await inject(api, MEMBERS)
    assert.equal(list.json().num_results, 1)
  })

  test('an invalid email is 422', async () => {
    const res = await add(app(), { ...ADA, email: 'ada-at-example.com' })
    assertProblem(
      res,
      422,
      invalid(MEMBERS, [{ in: 'body', path: '/email', message: "Expected string to match 'email' format" }]),
    )
  })

  test('an unknown field is 422', async () => {
    const res = await add(app(), { ...ADA, id: 99, nickname: 'Countess' })
    assertProblem(
      res,
      422,
      invalid(MEMBERS, [
        { in: 'body', path: '/id', message: 'Unexpected property' },
        { in: 'body', path: '/nickname', message: 'Unexpected property' },
      ]),
    )
  })

  test('missing and empty fields are 422, each listed', async () => {
    const res = await add(app(), { first_name: '', email: 'ada@example.com' })
    assertProblem(
      res,
      422,
      invalid(MEMBERS, [
        { in: 'body', path: '/last_name', message: 'Expected required property' },
        { in: 'body', path: '/first_name', message: 'Expected string length greater or equal to 1' },
      ]),
    )
  })

  test('malformed JSON is 400', async () => {
    const res = await inject(app(), {
      method: 'POST',
      url: MEMBERS,
      headers: { 'content-type': 'application/json' },
      payload: '{"first_name":',
    })
    let message = ''
    try {
      JSON.parse('{"first_name":')
    } catch (error) {
      message = (error as Error).message
    }
    assertProblem(
      res,
      400,
      problem(400, 'Bad Request', 'MALFORMED_JSON', `The JSON body is malformed: ${message}`, MEMBERS),
    )
  })
})

describe('GET /api/v1/members', () => {
  test('an empty list', async () => {
    const res = await inject(app(), MEMBERS)
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.deepEqual(res.json(), { num_results: 0, page: 1, total_pages: 0, objects: [] })
  })

  test('pages in the {num_results, page, total_pages, objects} envelope', async () => {
    const api = await seeded()
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
  })

  test('page and results_per_page default to 1 and 10', async () => {
    const api = await seeded()
    const res = await inject(api, MEMBERS)
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), {
      num_results: 3,
      page: 1,
      total_pages: 1,
      objects: [
        { id: 1, ...ADA },
        { id: 2, ...GRACE },
        { id: 3, ...ALAN },
      ],
    })
  })

  test('out-of-range paging is 422', async () => {
    const api = app()
    const url = `${MEMBERS}?page=0&results_per_page=101`
    assertProblem(
      await inject(api, url),
      422,
      invalid(url, [
        { in: 'query', path: '/page', message: 'Expected integer to be greater or equal to 1' },
        { in: 'query', path: '/results_per_page', message: 'Expected integer to be less or equal to 100' },
      ]),
    )
    const words = `${MEMBERS}?page=first`
    assertProblem(
      await inject(api, words),
      422,
      invalid(words, [{ in: 'query', path: '/page', message: 'Expected integer' }]),
    )
  })
})

// ---- one member ----

describe('/api/v1/members/{id}', () => {
  test('GET reads one member; 404 for an unknown id; 422 for a bad id', async () => {
    const api = await seeded()
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
    assertProblem(
      await inject(api, `${MEMBERS}/0`),
      422,
      invalid(`${MEMBERS}/0`, [
        { in: 'params', path: '/id', message: 'Expected integer to be greater or equal to 1' },
      ]),
    )
  })

  test('PUT replaces a member', async () => {
    const api = await seeded()
    const replacement = { first_name: 'Augusta Ada', last_name: 'King', email: 'countess@example.com' }
    const res = await inject(api, { method: 'PUT', url: `${MEMBERS}/1`, payload: replacement })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { id: 1, ...replacement })
    assert.deepEqual((await inject(api, `${MEMBERS}/1`)).json(), { id: 1, ...replacement })
    // The old email is free again, the new one is taken.
    assert.equal((await add(api, ADA)).statusCode, 201)
    assertProblem(
      await add(api, { ...GRACE, email: 'Countess@example.com' }),
      409,
      duplicate('Countess@example.com', MEMBERS),
    )
  })

  test('PUT: 404 for an unknown id, 422 for a partial body, 409 for a taken email', async () => {
    const api = await seeded()
    assertProblem(await inject(api, { method: 'PUT', url: `${MEMBERS}/99`, payload: ADA }), 404, notFound(99))
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
      duplicate('GRACE@example.com', `${MEMBERS}/1`),
    )
    // Replacing with the member's own email is fine.
    const same = await inject(api, {
      method: 'PUT',
      url: `${MEMBERS}/1`,
      payload: { ...ADA, last_name: 'King' },
    })
    assert.equal(same.statusCode, 200)
    assert.deepEqual(same.json(), { id: 1, ...ADA, last_name: 'King' })
  })

  test('PATCH updates some fields', async () => {
    const api = await seeded()
    const res = await inject(api, {
      method: 'PATCH',
      url: `${MEMBERS}/3`,
      payload: { last_name: 'M. Turing' },
    })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { id: 3, ...ALAN, last_name: 'M. Turing' })
    assert.deepEqual((await inject(api, `${MEMBERS}/3`)).json(), { id: 3, ...ALAN, last_name: 'M. Turing' })
  })

  test('PATCH: 404, 422 for an empty or unknown patch, 409 for a taken email', async () => {
    const api = await seeded()
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
      duplicate('Alan@Example.com', `${MEMBERS}/1`),
    )
  })

  test("PATCH or PUT may change the case of the member's own email", async () => {
    const api = await seeded()
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

  test('DELETE removes a member: 204, then 404; the email is free again', async () => {
    const api = await seeded()
    const res = await inject(api, { method: 'DELETE', url: `${MEMBERS}/2` })
    assert.equal(res.statusCode, 204)
    assert.equal(res.payload, '')
    assert.equal(res.headers['content-type'], undefined)
    assert.equal(res.headers['content-length'], undefined)

    assertProblem(await inject(api, `${MEMBERS}/2`), 404, notFound(2))
    assertProblem(await inject(api, { method: 'DELETE', url: `${MEMBERS}/2` }), 404, notFound(2))
    assert.deepEqual((await inject(api, MEMBERS)).json().num_results, 2)

    const again = await add(api, GRACE)
    assert.equal(again.statusCode, 201)
    assert.deepEqual(again.json(), { id: 4, ...GRACE })
  })

  test('an unsupported method is 405 with Allow', async () => {
    const res = await inject(app(), { method: 'POST', url: `${MEMBERS}/1`, payload: ADA })
    assert.equal(res.statusCode, 405)
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
})

// ---- OpenAPI and /docs ----

describe('OpenAPI and /docs', () => {
  test('/openapi.json is an OpenAPI 3.1 document of the member API', async () => {
    const res = await inject(app(), '/openapi.json')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/json')
    const document = res.json()
    assert.equal(document.openapi, '3.1.0')
    assert.deepEqual(document.info, {
      title: 'Newsletter API',
      version: '1.0.0',
      description: 'Members of the newsletter.',
    })
    // Only the API: the document and docs routes are hidden.
    assert.deepEqual(Object.keys(document.paths).sort(), [MEMBERS, `${MEMBERS}/{id}`])
    const operations = (path: string) =>
      Object.fromEntries(
        Object.entries(document.paths[path]).map(([method, op]) => [
          method,
          (op as { operationId: string }).operationId,
        ]),
      )
    assert.deepEqual(operations(MEMBERS), { get: 'listMembers', post: 'addMember' })
    assert.deepEqual(operations(`${MEMBERS}/{id}`), {
      get: 'getMember',
      put: 'replaceMember',
      patch: 'updateMember',
      delete: 'removeMember',
    })

    assert.deepEqual(document.components.schemas.Member, {
      type: 'object',
      required: ['id', 'first_name', 'last_name', 'email'],
      properties: {
        id: { type: 'integer', minimum: 1 },
        first_name: { type: 'string', minLength: 1, maxLength: 100 },
        last_name: { type: 'string', minLength: 1, maxLength: 100 },
        email: { type: 'string', format: 'email', maxLength: 254 },
      },
    })
    const member = { $ref: '#/components/schemas/Member' }
    const get = document.paths[`${MEMBERS}/{id}`].get
    assert.deepEqual(get.responses['200'].content['application/json'].schema, member)
    assert.deepEqual(get.parameters, [
      { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
    ])
    assert.deepEqual(document.paths[MEMBERS].post.responses['201'].content['application/json'].schema, member)
    // The duplicate-email conflict is declared with ProblemSchema, so clients see it.
    for (const operation of [document.paths[MEMBERS].post, document.paths[`${MEMBERS}/{id}`].patch]) {
      assert.deepEqual(operation.responses['409'], {
        description: 'Conflict',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      })
    }
    assert.deepEqual(document.paths[MEMBERS].post.requestBody.content['application/json'].schema, {
      $ref: '#/components/schemas/MemberInput',
    })
    assert.ok(document.components.schemas.MemberPage, 'no MemberPage component')
    assert.ok(document.components.schemas.Problem, 'no Problem component')
  })

  test('/docs redirects to /docs/', async () => {
    const res = await inject(app(), '/docs')
    assert.equal(res.statusCode, 302)
    assert.equal(res.headers.location, '/docs/')
    assert.equal(res.payload, '')
  })

  test('/docs/ loads only local assets, each served with its content type', async () => {
    const api = app()
    const page = await inject(api, '/docs/')
    assert.equal(page.statusCode, 200)
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    const html = page.payload
    assert.ok(html.includes('<div id="swagger-ui"></div>'), html)
    assert.doesNotMatch(html, /https?:\/\//, 'the page refers to another origin')

    const references = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string)
    assert.deepEqual(references.sort(), [
      './favicon-32x32.png',
      './index.css',
      './swagger-initializer.js',
      './swagger-ui-bundle.js',
      './swagger-ui-standalone-preset.js',
      './swagger-ui.css',
    ])
    const types: Record<string, string> = {
      css: 'text/css; charset=utf-8',
      js: 'text/javascript; charset=utf-8',
      png: 'image/png',
    }
    for (const reference of references) {
      const url = new URL(reference, 'http://localhost/docs/').pathname
      const res = await inject(api, url)
      assert.equal(res.statusCode, 200, url)
      assert.equal(res.headers['content-type'], types[reference.split('.').at(-1) as string], url)
      assert.ok(res.rawPayload.length > 0, `${url} is empty`)
      assert.equal(Number(res.headers['content-length']), res.rawPayload.length, url)
    }

    const initializer = await inject(api, '/docs/swagger-initializer.js')
    assert.ok(initializer.payload.includes('url: "/openapi.json"'), initializer.payload)
    assert.doesNotMatch(initializer.payload, /https?:\/\//)
    const png = await inject(api, '/docs/favicon-32x32.png')
    assert.deepEqual([...png.rawPayload.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47])

    const missing = await inject(api, '/docs/nothing.js')
    assertProblem(
      missing,
      404,
      problem(404, 'Not Found', 'NOT_FOUND', 'No docs asset nothing.js.', '/docs/nothing.js'),
    )
  })
})

// ---- on the wire ----

test('the API over a real socket, with fetch', { timeout: 5000 }, async () => {
  const server = await serve(app())
  try {
    const created = await fetch(`${server.url}${MEMBERS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADA),
    })
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('location'), `${MEMBERS}/1`)
    assert.equal(created.headers.get('content-type'), 'application/json')
    assert.equal(created.headers.get('server'), 'saker')
    assert.deepEqual(await created.json(), { id: 1, ...ADA })

    const conflict = await fetch(`${server.url}${MEMBERS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ ...GRACE, email: 'ADA@EXAMPLE.COM' }),
    })
    assert.equal(conflict.status, 409)
    assert.equal(conflict.headers.get('content-type'), PROBLEM)
    assert.deepEqual(await conflict.json(), duplicate('ADA@EXAMPLE.COM', MEMBERS))

    const list = await fetch(`${server.url}${MEMBERS}?page=1&results_per_page=10`)
    assert.equal(list.status, 200)
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
