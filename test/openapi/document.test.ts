import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Type } from '@sinclair/typebox'
import { HttpError, toProblem } from '../../src/errors.ts'
import { docsAssets } from '../../src/openapi/docs-page.ts'
import { buildOpenApiDocument } from '../../src/openapi/document.ts'
import { problemSchemas } from '../../src/openapi/problem-schemas.ts'
import { type CompiledRoute, compileRoute, emptyHooks } from '../../src/route.ts'
import type { Method, RouteOptions } from '../../src/types.ts'

// NOTE: routes come from the real compileRoute until the app can list its own routes.
function route(method: Method, path: string, options: RouteOptions = {}): CompiledRoute {
  const inherited = { hooks: emptyHooks(), middleware: [], bodyLimit: 1 << 20 }
  return compileRoute({ method, path, options, handler: () => undefined }, path, inherited)
}

type Json = Record<string, unknown>

function defined<T>(value: T | undefined): T {
  assert.ok(value !== undefined)
  return value
}

function operation(document: Json, path: string, method: string): Json {
  const paths = document.paths as Record<string, Record<string, Json>>
  const op = paths[path]?.[method]
  assert.ok(op, `no ${method} ${path} in ${Object.keys(paths).join(', ')}`)
  return op
}

function problem(description: string, schema = 'Problem'): Json {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: `#/components/schemas/${schema}` } } },
  }
}

const ERRORS: Record<number, Json> = {
  400: problem('The body or a path parameter is malformed.'),
  404: problem('Not found.'),
  413: problem('The body is larger than the limit.'),
  415: problem('The Content-Type of the body is not supported.'),
  422: problem('Invalid values in the request; errors lists each one.', 'ValidationProblem'),
  500: problem('The server failed to handle the request.'),
}

const Member = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String({ format: 'email' }),
    name: Type.Optional(Type.String()),
  },
  { $id: 'Member' },
)
const MemberJson = {
  type: 'object',
  required: ['id', 'email'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string', format: 'email' },
    name: { type: 'string' },
  },
}

describe('buildOpenApiDocument', () => {
  test('builds the exact document of a small API', () => {
    const NewMember = Type.Object({ email: Type.String({ format: 'email' }) })
    const routes = [
      route('GET', '/api/v1/members/:id', {
        params: Type.Object({ id: Type.String({ format: 'uuid', description: 'The member id' }) }),
        response: { 200: Member },
        summary: 'Get a member',
        tags: ['members'],
      }),
      route('POST', '/api/v1/members', {
        body: NewMember,
        response: { 201: Member },
        operationId: 'createMember',
        description: 'Registers a member.',
        deprecated: true,
      }),
    ]
    const document = buildOpenApiDocument(routes, {
      title: 'Members',
      version: '2.0.0',
      description: 'The member API.',
      servers: [{ url: 'http://localhost:3000', description: 'local' }],
    })
    const memberContent = { 'application/json': { schema: { $ref: '#/components/schemas/Member' } } }
    const newMember = {
      type: 'object',
      required: ['email'],
      properties: { email: { type: 'string', format: 'email' } },
    }
    assert.deepEqual(document, {
      openapi: '3.1.0',
      info: { title: 'Members', version: '2.0.0', description: 'The member API.' },
      servers: [{ url: 'http://localhost:3000', description: 'local' }],
      paths: {
        '/api/v1/members/{id}': {
          get: {
            tags: ['members'],
            summary: 'Get a member',
            operationId: 'getApiV1MembersById',
            parameters: [
              {
                name: 'id',
                in: 'path',
                required: true,
                description: 'The member id',
                schema: { type: 'string', format: 'uuid', description: 'The member id' },
              },
            ],
            responses: {
              200: { description: 'OK', content: memberContent },
              400: ERRORS[400],
              404: ERRORS[404],
              422: ERRORS[422],
              500: ERRORS[500],
            },
          },
        },
        '/api/v1/members': {
          post: {
            description: 'Registers a member.',
            operationId: 'createMember',
            deprecated: true,
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: newMember },
                'application/x-www-form-urlencoded': { schema: newMember },
              },
            },
            responses: {
              201: { description: 'Created', content: memberContent },
              400: ERRORS[400],
              413: ERRORS[413],
              415: ERRORS[415],
              422: ERRORS[422],
              500: ERRORS[500],
            },
          },
        },
      },
      components: { schemas: { Member: MemberJson, ...problemSchemas() } },
    })
  })

  test('defaults the info and leaves out servers', () => {
    const document = buildOpenApiDocument([route('GET', '/')], {})
    assert.deepEqual(document.info, { title: 'saker API', version: '1.0.0' })
    assert.equal('servers' in document, false)
    assert.deepEqual(operation(document, '/', 'get'), {
      operationId: 'getRoot',
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: {} } } },
        500: ERRORS[500],
      },
    })
  })

  test('turns :params and the * wildcard into path parameters, strings when no schema says more', () => {
    const routes = [
      route('GET', '/files/*'),
      route('GET', '/orgs/:org/members/:memberId', { params: Type.Object({ memberId: Type.Integer() }) }),
    ]
    const document = buildOpenApiDocument(routes, {})
    assert.deepEqual(Object.keys(document.paths as Json), [
      '/files/{wildcard}',
      '/orgs/{org}/members/{memberId}',
    ])
    const files = operation(document, '/files/{wildcard}', 'get')
    assert.equal(files.operationId, 'getFilesWildcard')
    assert.deepEqual(files.parameters, [
      { name: 'wildcard', in: 'path', required: true, schema: { type: 'string' } },
    ])
    const members = operation(document, '/orgs/{org}/members/{memberId}', 'get')
    assert.equal(members.operationId, 'getOrgsByOrgMembersByMemberId')
    assert.deepEqual(members.parameters, [
      { name: 'org', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'memberId', in: 'path', required: true, schema: { type: 'integer' } },
    ])
  })

  test('lists query and header properties as parameters, required as the schema says', () => {
    const document = buildOpenApiDocument(
      [
        route('GET', '/members', {
          query: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1 })),
            tag: Type.Array(Type.String()),
          }),
          headers: Type.Object({ 'x-api-key': Type.String(), 'content-type': Type.Optional(Type.String()) }),
        }),
      ],
      {},
    )
    assert.deepEqual(operation(document, '/members', 'get').parameters, [
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } },
      { name: 'tag', in: 'query', required: true, schema: { type: 'array', items: { type: 'string' } } },
      // content-type is left out: OpenAPI tools ignore it as a header parameter.
      { name: 'x-api-key', in: 'header', required: true, schema: { type: 'string' } },
    ])
  })

  test('reads parameters through Type.Intersect', () => {
    const query = Type.Intersect([
      Type.Object({ page: Type.Optional(Type.Integer()) }),
      Type.Object({ q: Type.String() }),
    ])
    const document = buildOpenApiDocument([route('GET', '/search', { query })], {})
    assert.deepEqual(operation(document, '/search', 'get').parameters, [
      { name: 'page', in: 'query', required: false, schema: { type: 'integer' } },
      { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
    ])
  })

  test('adds the problems each kind of route can answer with, never over a declared status', () => {
    const NotFound = Type.Object({ message: Type.String() })
    const document = buildOpenApiDocument(
      [
        route('GET', '/health'),
        route('GET', '/members', { query: Type.Object({ q: Type.String() }) }),
        route('DELETE', '/members/:id', { response: { 204: Type.Null(), 404: NotFound } }),
        route('DELETE', '/lists/:id', { body: Type.Object({ reason: Type.String() }) }),
        route('PATCH', '/settings'),
      ],
      {},
    )
    const statuses = (path: string, method: string) =>
      Object.keys(operation(document, path, method).responses as Json)
    assert.deepEqual(statuses('/health', 'get'), ['200', '500'])
    assert.deepEqual(statuses('/members', 'get'), ['200', '422', '500'])
    assert.deepEqual(statuses('/members/{id}', 'delete'), ['204', '400', '404', '500'])
    assert.deepEqual(statuses('/lists/{id}', 'delete'), ['400', '404', '413', '415', '422', '500'])
    assert.deepEqual(statuses('/settings', 'patch'), ['400', '413', '415', '500'])
    const deleted = operation(document, '/members/{id}', 'delete').responses as Json
    assert.deepEqual(deleted[204], { description: 'No Content' })
    assert.deepEqual(deleted[404], {
      description: 'Not Found',
      content: {
        'application/json': {
          schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
        },
      },
    })
  })

  test('keeps range and default responses', () => {
    const Failure = Type.Object({ error: Type.String() }, { $id: 'Failure' })
    const document = buildOpenApiDocument(
      [route('GET', '/report', { response: { '2XX': Type.String(), '4XX': Failure, default: Failure } })],
      {},
    )
    const failure = { 'application/json': { schema: { $ref: '#/components/schemas/Failure' } } }
    assert.deepEqual(operation(document, '/report', 'get').responses, {
      500: ERRORS[500],
      '2XX': { description: 'Success', content: { 'application/json': { schema: { type: 'string' } } } },
      '4XX': { description: 'Client error', content: failure },
      default: { description: 'Any other status.', content: failure },
    })
  })

  test('moves $id schemas at any depth to components, once, as plain JSON', () => {
    const Address = Type.Object({ city: Type.String() }, { $id: 'Address' })
    const Tag = Type.String({ $id: 'Tag', minLength: 1 })
    const Role = Type.Union([Type.Literal('admin'), Type.Literal('reader')], { $id: 'Role' })
    const Profile = Type.Object({
      address: Address,
      tags: Type.Array(Tag),
      role: Type.Union([Role, Type.Null()]),
      previous: Type.Optional(Address),
    })
    const document = buildOpenApiDocument(
      [
        // NOTE: Profile is not a response schema: fast-json-stringify rejects one $id used twice in a schema.
        route('PUT', '/profile', { body: Profile }),
        route('GET', '/addresses', { response: { 200: Type.Array(Address) } }),
      ],
      {},
    )
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
    const profile = {
      type: 'object',
      required: ['address', 'tags', 'role'],
      properties: {
        address: ref('Address'),
        tags: { type: 'array', items: ref('Tag') },
        role: { anyOf: [ref('Role'), { type: 'null' }] },
        previous: ref('Address'),
      },
    }
    const put = operation(document, '/profile', 'put')
    assert.deepEqual((put.requestBody as Json).content, {
      'application/json': { schema: profile },
      'application/x-www-form-urlencoded': { schema: profile },
    })
    assert.deepEqual(operation(document, '/addresses', 'get').responses, {
      200: {
        description: 'OK',
        content: { 'application/json': { schema: { type: 'array', items: ref('Address') } } },
      },
      500: ERRORS[500],
    })
    assert.deepEqual((document.components as Json).schemas, {
      Address: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
      Tag: { type: 'string', minLength: 1 },
      Role: {
        anyOf: [
          { const: 'admin', type: 'string' },
          { const: 'reader', type: 'string' },
        ],
      },
      ...problemSchemas(),
    })
    // TypeBox's Symbol keys are gone: the document survives a JSON round trip unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(document)), document)
  })

  test('refers to a Type.Recursive schema by component', () => {
    const Category = Type.Recursive(
      (This) => Type.Object({ name: Type.String(), children: Type.Array(This) }),
      { $id: 'Category' },
    )
    const document = buildOpenApiDocument([route('GET', '/categories', { response: { 200: Category } })], {})
    assert.deepEqual((document.components as Record<string, Json>).schemas?.Category, {
      type: 'object',
      required: ['name', 'children'],
      properties: {
        name: { type: 'string' },
        children: { type: 'array', items: { $ref: '#/components/schemas/Category' } },
      },
    })
  })

  test('accepts two equal schemas with one $id, and rejects two different ones', () => {
    const make = () => Type.Object({ id: Type.String() }, { $id: 'Thing' })
    const same = buildOpenApiDocument(
      [route('GET', '/a', { response: { 200: make() } }), route('GET', '/b', { response: { 200: make() } })],
      {},
    )
    assert.deepEqual((same.components as Record<string, Json>).schemas?.Thing, {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' } },
    })
    const other = Type.Object({ id: Type.Integer() }, { $id: 'Thing' })
    assert.throws(
      () =>
        buildOpenApiDocument(
          [route('GET', '/a', { response: { 200: make() } }), route('POST', '/a', { body: other })],
          {},
        ),
      { message: 'OpenAPI: two different schemas have the $id "Thing"; give each its own $id.' },
    )
  })

  test("rejects a user schema that takes saker's Problem name", () => {
    const Problem = Type.Object({ message: Type.String() }, { $id: 'Problem' })
    assert.throws(() => buildOpenApiDocument([route('GET', '/', { response: { 400: Problem } })], {}), {
      message:
        'OpenAPI: two different schemas have the $id "Problem" ("Problem" and "ValidationProblem" are saker\'s); give each its own $id.',
    })
  })

  test('generates unique operationIds and rejects a duplicate given one', () => {
    const document = buildOpenApiDocument(
      [
        route('GET', '/member-lists'),
        route('GET', '/member/lists'),
        route('POST', '/x', { operationId: 'getMemberLists3' }),
      ],
      {},
    )
    assert.equal(operation(document, '/member-lists', 'get').operationId, 'getMemberLists')
    assert.equal(operation(document, '/member/lists', 'get').operationId, 'getMemberLists2')
    assert.throws(
      () =>
        buildOpenApiDocument(
          [route('GET', '/a', { operationId: 'same' }), route('GET', '/b', { operationId: 'same' })],
          {},
        ),
      { message: 'OpenAPI: operationId "same" is used by GET /a and GET /b.' },
    )
  })

  test('leaves out hidden routes', () => {
    const document = buildOpenApiDocument(
      [
        route('GET', '/members'),
        route('DELETE', '/members', { hidden: true }),
        route('GET', '/internal', { hidden: true }),
      ],
      {},
    )
    assert.deepEqual(Object.keys(document.paths as Json), ['/members'])
    assert.deepEqual(Object.keys((document.paths as Record<string, Json>)['/members'] ?? {}), ['get'])
  })
})

describe('problem schemas', () => {
  test('match the body toProblem sends for a validation error', () => {
    const error = new HttpError(422, 'The request has invalid values; see errors.', {
      errors: [{ in: 'body', path: '/email', message: 'Expected string' }],
    })
    const body = toProblem(error, '/members')
    const { Problem, ValidationProblem } = problemSchemas()
    const properties = Object.keys(defined(Problem).properties as Json)
    for (const key of defined(Problem).required as string[])
      assert.ok(key in body, `problem body lacks ${key}`)
    for (const key of Object.keys(body)) assert.ok(properties.includes(key), `schema lacks ${key}`)
    const narrowed = defined((defined(ValidationProblem).allOf as Json[])[1])
    assert.deepEqual(narrowed.required, ['errors'])
    assert.deepEqual((narrowed.properties as Json).code, { const: body.code })
    assert.deepEqual((narrowed.properties as Json).status, { const: body.status })
  })
})

describe('docsAssets', () => {
  test('serves a local Swagger UI page that loads the given document', () => {
    const assets = docsAssets('/openapi.json')
    assert.deepEqual([...assets.keys()].sort(), [
      'favicon-32x32.png',
      'index.css',
      'index.html',
      'swagger-initializer.js',
      'swagger-ui-bundle.js',
      'swagger-ui-standalone-preset.js',
      'swagger-ui.css',
    ])
    const page = assets.get('index.html')
    assert.equal(page?.type, 'text/html; charset=utf-8')
    for (const file of [
      'swagger-ui.css',
      'swagger-ui-bundle.js',
      'swagger-ui-standalone-preset.js',
      'swagger-initializer.js',
    ]) {
      assert.ok(String(page?.body).includes(`"./${file}"`), `index.html does not load ./${file}`)
    }
    assert.doesNotMatch(String(page?.body), /https?:\/\//)
    const init = assets.get('swagger-initializer.js')
    assert.equal(init?.type, 'text/javascript; charset=utf-8')
    assert.match(String(init?.body), /url: "\/openapi\.json",/)
    assert.match(String(init?.body), /tryItOutEnabled: true,/)
    assert.match(String(init?.body), /deepLinking: true,/)
    assert.doesNotMatch(String(init?.body), /https?:\/\//)
    const bundle = assets.get('swagger-ui-bundle.js')
    assert.equal(bundle?.type, 'text/javascript; charset=utf-8')
    assert.ok(Buffer.isBuffer(bundle?.body) && bundle.body.length > 100_000)
    assert.match(String(bundle?.body).slice(0, 5000), /SwaggerUIBundle/)
    const favicon = assets.get('favicon-32x32.png')
    assert.equal(favicon?.type, 'image/png')
    assert.equal((defined(favicon).body as Buffer).subarray(1, 4).toString(), 'PNG')
  })

  test('quotes the document URL as a JavaScript string', () => {
    const init = String(docsAssets('/api/openapi.json?v="1"').get('swagger-initializer.js')?.body)
    assert.match(init, /url: "\/api\/openapi\.json\?v=\\"1\\"",/)
  })
})
