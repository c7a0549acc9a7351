import type { Table } from 'drizzle-orm'
import { Scope } from '../scope.ts'
import type { Method } from '../types.ts'
import type { Database } from './database.ts'
import type { CrudOperation, CrudOptions } from './options.ts'
import { modelOf } from './schemas.ts'
import { CrudResource } from './table-resource.ts'

export type { CrudHooks, CrudOperation, CrudOptions } from './options.ts'

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** The collection and item paths' operations, with the method of each. */
const OPERATIONS: Array<{ op: CrudOperation; method: Method; item: boolean }> = [
  { op: 'list', method: 'GET', item: false },
  { op: 'create', method: 'POST', item: false },
  { op: 'get', method: 'GET', item: true },
  { op: 'replace', method: 'PUT', item: true },
  { op: 'update', method: 'PATCH', item: true },
  { op: 'delete', method: 'DELETE', item: true },
  { op: 'updateMany', method: 'PATCH', item: false },
  { op: 'deleteMany', method: 'DELETE', item: false },
]

/**
 * Serves a Drizzle table as a REST resource: list (paginated, filtered, sorted, with sparse
 * fields), create, read, replace, update and delete, with validation from the table, 409 on
 * unique and foreign-key violations, and OpenAPI from the same schemas. Mount it under any prefix.
 *
 * @example
 * const db = await connectDatabase()
 * app.mount('/api/v1/members', crud(db, members, { readOnly: ['created_at'], validate: { email: t.String({ format: 'email' }) } }))
 */
export function crud(db: Database, table: Table, options: CrudOptions = {}): Scope {
  const model = modelOf(table, options)
  const resource = new CrudResource(db, model, options)
  const scope = new Scope()
  const methods = new Set(options.methods ?? ALL_METHODS)
  const itemPath = model.primaryKey.map((key) => `/:${key}`).join('')
  const bulk = { updateMany: options.bulk?.update === true, deleteMany: options.bulk?.delete === true }
  for (const { op, method, item } of OPERATIONS) {
    if (!methods.has(method as (typeof ALL_METHODS)[number])) continue
    if ((op === 'updateMany' || op === 'deleteMany') && !bulk[op]) continue
    scope.on(method, item ? itemPath : '', resource.routeOptions(op), resource.handlers[op])
  }
  return scope
}
