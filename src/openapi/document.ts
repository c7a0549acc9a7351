import { STATUS_CODES } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import type { TSchema } from '@sinclair/typebox'
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../errors.ts'
import type { CompiledRoute } from '../route.ts'
import { PROBLEM, problemSchemas, VALIDATION_PROBLEM } from './problem-schemas.ts'

type Json = Record<string, unknown>

/** The document-level fields of the OpenAPI document. */
export interface OpenApiOptions {
  title?: string
  version?: string
  description?: string
  servers?: Array<{ url: string; description?: string }>
}

/** The methods an OpenAPI 3.1 path item can hold; a route with another method is left out. */
const OPERATION_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
/** The body types `parseBody` (src/http/body.ts) turns into an object a body schema can check. */
const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded']
/** The OpenAPI name of saker's trailing `*` param. */
const WILDCARD = 'wildcard'
// SPEC(OpenAPI 3.1 §4.8.12.1): header parameters with these names are ignored by tools.
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization'])
// Keywords whose values are data, not schemas: never searched for `$id`.
const DATA_KEYWORDS = new Set(['const', 'default', 'enum', 'examples', 'example'])
// Keywords whose values map names to schemas.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'])
// SPEC(RFC 9110 §15.3.5, §15.4.5): these statuses have no content.
const NO_CONTENT = new Set(['204', '304'])

/** The problems the lifecycle (src/lifecycle.ts) can answer with, and their component. */
const ERROR_RESPONSES: Record<number, { schema: string; description: string }> = {
  400: { schema: PROBLEM, description: 'The body or a path parameter is malformed.' },
  404: { schema: PROBLEM, description: 'Not found.' },
  413: { schema: PROBLEM, description: 'The body is larger than the limit.' },
  415: { schema: PROBLEM, description: 'The Content-Type of the body is not supported.' },
  422: { schema: VALIDATION_PROBLEM, description: 'Invalid values in the request; errors lists each one.' },
  500: { schema: PROBLEM, description: 'The server failed to handle the request.' },
}

const STATUS_CLASSES: Record<string, string> = {
  '1XX': 'Informational',
  '2XX': 'Success',
  '3XX': 'Redirection',
  '4XX': 'Client error',
  '5XX': 'Server error',
}

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A copy that is plain JSON: no symbol keys (TypeBox's `Kind`...), functions or undefined. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => plain(item) ?? null)
  if (value !== null && typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown }
    if (typeof withJson.toJSON === 'function') return plain(withJson.toJSON())
    // NOTE: entries + fromEntries, so a `__proto__` key stays a key instead of setting the prototype.
    const entries = Object.entries(value).map(([key, item]) => [key, plain(item)] as const)
    return Object.fromEntries(entries.filter(([, item]) => item !== undefined))
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value
  return undefined
}

function componentName(id: string): string {
  // SPEC(OpenAPI 3.1 §4.8.7.1): component names match ^[a-zA-Z0-9.\-_]+$.
  return id.replace(/[^A-Za-z0-9._-]/g, '_')
}

function componentRef(name: string): Json {
  return { $ref: `#/components/schemas/${name}` }
}

/** Turns route schemas into plain JSON, moving every `$id` schema to `components.schemas` once. */
class SchemaRegistry {
  readonly #schemas = new Map<string, Json>()
  /** Where each component came from: its `$id` and schema object (`null` for saker's own). */
  readonly #sources = new Map<string, { id: string; schema: Json | null }>()
  readonly #refs = new Map<string, string>()

  constructor(builtIns: Record<string, Json>) {
    for (const [name, schema] of Object.entries(builtIns)) {
      this.#schemas.set(name, schema)
      this.#sources.set(name, { id: name, schema: null })
    }
  }

  convert(schema: unknown): unknown {
    if (!isRecord(schema)) return plain(schema)
    const id = schema.$id
    return typeof id === 'string' && id !== '' ? this.#named(schema, id) : this.#inline(schema)
  }

  #named(schema: Json, id: string): Json {
    const name = componentName(id)
    const known = this.#sources.get(name)
    // PERF: the usual case, one schema object used by many routes, is found without a walk.
    if (known?.schema === schema) return componentRef(name)
    // Registered before the walk, so a schema that contains itself ends in a $ref.
    if (known === undefined) this.#sources.set(name, { id, schema })
    const body = this.#inline(schema)
    if (known === undefined) this.#schemas.set(name, body)
    else if (known.id !== id || !isDeepStrictEqual(this.#schemas.get(name), body)) {
      const reserved = known.schema === null ? ` ("${PROBLEM}" and "${VALIDATION_PROBLEM}" are saker's)` : ''
      const what =
        known.id === id ? `the $id "${id}"` : `the $ids "${known.id}" and "${id}" (component "${name}")`
      throw new Error(`OpenAPI: two different schemas have ${what}${reserved}; give each its own $id.`)
    }
    return componentRef(name)
  }

  #inline(schema: Json): Json {
    const entries: Array<[string, unknown]> = []
    for (const [key, value] of Object.entries(schema)) {
      // NOTE: a component's $id would change the base URI its `#/components/...` refs resolve against.
      if (key === '$id') continue
      let converted: unknown
      if (DATA_KEYWORDS.has(key) || key.startsWith('x-')) converted = plain(value)
      else if (key === '$ref' && typeof value === 'string') converted = this.#ref(value)
      else if (SCHEMA_MAPS.has(key) && isRecord(value)) {
        converted = Object.fromEntries(
          Object.entries(value).map(([name, member]) => [name, this.convert(member)]),
        )
      } else if (Array.isArray(value)) converted = value.map((member) => this.convert(member) ?? null)
      else converted = this.convert(value)
      if (converted !== undefined) entries.push([key, converted])
    }
    return Object.fromEntries(entries)
  }

  /** TypeBox refers to schemas by `$id` (`Type.Recursive`, `Type.Ref`); those become component refs. */
  #ref(ref: string): string {
    if (ref.startsWith('#')) return ref
    const name = componentName(ref)
    this.#refs.set(name, ref)
    return `#/components/schemas/${name}`
  }

  /** The components, sorted by name; throws if a `$ref` names a schema no route uses. */
  finish(): Json {
    for (const [name, ref] of this.#refs) {
      if (!this.#schemas.has(name)) {
        throw new Error(`OpenAPI: a schema has "$ref": "${ref}", but no route uses a schema with that $id.`)
      }
    }
    return Object.fromEntries([...this.#schemas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }
}

/** The properties and required names of an object schema, through `allOf` (`Type.Intersect`). */
function shapeOf(schema: TSchema | undefined): { properties: Map<string, unknown>; required: Set<string> } {
  const properties = new Map<string, unknown>()
  const required = new Set<string>()
  const visit = (node: unknown): void => {
    if (!isRecord(node)) return
    if (isRecord(node.properties)) {
      for (const [name, property] of Object.entries(node.properties)) {
        if (!properties.has(name)) properties.set(name, property)
      }
    }
    if (Array.isArray(node.required)) for (const name of node.required) required.add(String(name))
    if (Array.isArray(node.allOf)) for (const member of node.allOf) visit(member)
  }
  visit(schema)
  return { properties, required }
}

function parameter(
  registry: SchemaRegistry,
  name: string,
  where: string,
  schema: unknown,
  required: boolean,
): Json {
  // A value with a default may be left out: saker fills the default in.
  const hasDefault = isRecord(schema) && schema.default !== undefined
  const param: Json = { name, in: where, required: required && !hasDefault, schema: registry.convert(schema) }
  if (isRecord(schema) && typeof schema.description === 'string') param.description = schema.description
  if (isRecord(schema) && schema.deprecated === true) param.deprecated = true
  return param
}

/** The path in OpenAPI syntax (`/members/{id}`, `/files/{wildcard}`) and its saker param names, in order. */
function pathTemplate(path: string): { template: string; names: string[] } {
  const names: string[] = []
  const segments = path.split('/').map((segment) => {
    if (segment === '*') {
      names.push('*')
      return `{${WILDCARD}}`
    }
    if (!segment.startsWith(':')) return segment
    names.push(segment.slice(1))
    return `{${segment.slice(1)}}`
  })
  return { template: segments.join('/'), names }
}

function parameters(route: CompiledRoute, names: string[], registry: SchemaRegistry): Json[] {
  const { options } = route
  const list: Json[] = []
  const path = shapeOf(options.params)
  for (const name of names) {
    // SPEC(OpenAPI 3.1 §4.8.12.2): path parameters are always required.
    const schema = path.properties.get(name) ?? { type: 'string' }
    list.push(parameter(registry, name === '*' ? WILDCARD : name, 'path', schema, true))
  }
  const query = shapeOf(options.query)
  for (const [name, schema] of query.properties) {
    list.push(parameter(registry, name, 'query', schema, query.required.has(name)))
  }
  const headers = shapeOf(options.headers)
  for (const [name, schema] of headers.properties) {
    if (IGNORED_HEADERS.has(name.toLowerCase())) continue
    list.push(parameter(registry, name, 'header', schema, headers.required.has(name)))
  }
  return list
}

function describeStatus(key: string): string {
  if (key === 'default') return 'Any other status.'
  return STATUS_CLASSES[key] ?? STATUS_CODES[Number(key)] ?? `Status ${key}`
}

/** The problems a route can answer with, following the branches of src/lifecycle.ts. */
function errorStatuses(route: CompiledRoute): number[] {
  const statuses: number[] = []
  if (route.readsBody || route.hasPathParams) statuses.push(400)
  if (route.hasPathParams) statuses.push(404)
  if (route.readsBody) statuses.push(413, 415)
  if (route.hasSchemas) statuses.push(422)
  statuses.push(500)
  return statuses
}

function responses(route: CompiledRoute, registry: SchemaRegistry): Json {
  const declared = new Map<string, Json>()
  for (const [key, schema] of Object.entries(route.options.response ?? {})) {
    if (schema === undefined) continue
    const response: Json = { description: describeStatus(key) }
    if (schema === ProblemSchema) {
      const known = ERROR_RESPONSES[Number(key)]
      if (known !== undefined) response.description = known.description
      response.content = { [PROBLEM_CONTENT_TYPE]: { schema: componentRef(PROBLEM) } }
    } else if (!NO_CONTENT.has(key)) {
      response.content = { 'application/json': { schema: registry.convert(schema) } }
    }
    declared.set(key, response)
  }
  const hasSuccess = [...declared.keys()].some((key) => key.startsWith('2') || key === 'default')
  if (route.method === 'GET' && !hasSuccess) {
    declared.set('200', {
      description: describeStatus('200'),
      content: { 'application/json': { schema: {} } },
    })
  }
  for (const status of errorStatuses(route)) {
    const key = String(status)
    const error = ERROR_RESPONSES[status]
    if (declared.has(key) || error === undefined) continue
    declared.set(key, {
      description: error.description,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: componentRef(error.schema) } },
    })
  }
  // NOTE: no sort needed: objects list integer keys in ascending order, then '4XX' and 'default'.
  return Object.fromEntries(declared)
}

function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
}

/** `GET /api/v1/members/:id` becomes `getApiV1MembersById`; `GET /` becomes `getRoot`. */
function generatedOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      if (segment === '*') return pascalCase(WILDCARD)
      return segment.startsWith(':') ? `By${pascalCase(segment.slice(1))}` : pascalCase(segment)
    })
  return method.toLowerCase() + (words.length === 0 ? 'Root' : words.join(''))
}

/** Given operationIds first (a duplicate is an error), then generated ones made unique with a suffix. */
function operationIds(routes: readonly CompiledRoute[]): Map<CompiledRoute, string> {
  const ids = new Map<CompiledRoute, string>()
  const owners = new Map<string, CompiledRoute>()
  for (const route of routes) {
    const id = route.options.operationId
    if (id === undefined) continue
    const owner = owners.get(id)
    if (owner !== undefined) {
      throw new Error(
        `OpenAPI: operationId "${id}" is used by ${owner.method} ${owner.path} and ${route.method} ${route.path}.`,
      )
    }
    owners.set(id, route)
    ids.set(route, id)
  }
  for (const route of routes) {
    if (ids.has(route)) continue
    const base = generatedOperationId(route.method, route.path)
    let id = base
    for (let n = 2; owners.has(id); n++) id = `${base}${n}`
    owners.set(id, route)
    ids.set(route, id)
  }
  return ids
}

function operation(
  route: CompiledRoute,
  operationId: string,
  names: string[],
  registry: SchemaRegistry,
): Json {
  const { options } = route
  const op: Json = {}
  if (options.tags !== undefined) op.tags = [...options.tags]
  if (options.summary !== undefined) op.summary = options.summary
  if (options.description !== undefined) op.description = options.description
  op.operationId = operationId
  if (options.deprecated === true) op.deprecated = true
  const params = parameters(route, names, registry)
  if (params.length > 0) op.parameters = params
  if (options.body !== undefined) {
    const schema = registry.convert(options.body)
    op.requestBody = {
      required: true,
      content: Object.fromEntries(BODY_TYPES.map((type) => [type, { schema }])),
    }
  }
  op.responses = responses(route, registry)
  return op
}

/**
 * Builds the OpenAPI 3.1 document of the routes: paths, parameters, bodies, responses
 * (with the problems saker can send), and every `$id` schema as a component. Hidden routes
 * are left out. Throws when two different schemas share an `$id` or two routes an operationId.
 *
 * @example
 * const document = buildOpenApiDocument(app.routes, { title: 'Members API', version: '1.0.0' })
 */
export function buildOpenApiDocument(
  routes: readonly CompiledRoute[],
  options: OpenApiOptions,
): Record<string, unknown> {
  const visible = routes.filter(
    (route) => route.options.hidden !== true && OPERATION_METHODS.has(route.method.toLowerCase()),
  )
  const registry = new SchemaRegistry(problemSchemas())
  const ids = operationIds(visible)
  const paths: Record<string, Json> = {}
  for (const route of visible) {
    const { template, names } = pathTemplate(route.path)
    const item = paths[template] ?? {}
    paths[template] = item
    item[route.method.toLowerCase()] = operation(route, ids.get(route) as string, names, registry)
  }
  const info: Json = { title: options.title ?? 'saker API', version: options.version ?? '1.0.0' }
  if (options.description !== undefined) info.description = options.description
  const document: Json = { openapi: '3.1.0', info }
  if (options.servers !== undefined && options.servers.length > 0) document.servers = plain(options.servers)
  document.paths = paths
  document.components = { schemas: registry.finish() }
  return document
}
