/**
 * The JSON form, as Flask-RESTless reads it:
 * `?q={"filters":[...],"order_by":[{"field":"last_name","direction":"desc"}],"limit":10,"offset":20}`.
 *
 * A filter is `{"name": f, "op": o, "val": v}`, `{"name": f, "op": o, "field": f2}` (two fields of
 * one table), `{"or": [...]}`, `{"and": [...]}` or `{"not": filter}`; `name` may be
 * `relation__field`; `has` / `any` take a relation as `name` and an optional filter on the related
 * table as `val`. The top-level list is ANDed.
 */
import type { Filter, ListQuery, SortKey } from './ast.ts'
import type { FieldCatalog } from './catalog.ts'
import { operatorOf } from './operators.ts'
import { invalidQuery, pointerToken } from './query-error.ts'
import {
  checkRelationOperator,
  columnFilter,
  resolveField,
  resolveRelation,
  segmentsOf,
  sortKey,
  valueFilter,
  wrap,
} from './resolve.ts'

/** Filters nest at most this deep (`or` in `and` in `any` ...), so a request cannot exhaust the stack. */
export const MAX_DEPTH = 32
/** The largest `limit`, `offset`, `page` and `results_per_page`: a PostgreSQL `integer`. */
export const MAX_INTEGER = 2147483647

const SEPARATOR = '__'
const Q_MEMBERS = 'filters, order_by, limit, offset'

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads `q` into `query` (its filters, sort, limit and offset). */
export function parseQ(raw: string | string[], catalog: FieldCatalog, query: ListQuery): void {
  if (typeof raw !== 'string') throw invalidQuery('/q', 'q is given more than once')
  let q: unknown
  try {
    q = JSON.parse(raw)
  } catch {
    throw invalidQuery('/q', 'q is not valid JSON')
  }
  if (!isObject(q)) throw invalidQuery('/q', 'q must be a JSON object')
  for (const key in q) {
    const value = q[key]
    switch (key) {
      case 'filters':
        if (!Array.isArray(value)) throw invalidQuery('/q/filters', 'filters must be an array')
        for (let i = 0; i < value.length; i++) {
          query.filters.push(filterOf(value[i], catalog, `/q/filters/${i}`, 1))
        }
        break
      case 'order_by':
        if (!Array.isArray(value)) throw invalidQuery('/q/order_by', 'order_by must be an array')
        for (let i = 0; i < value.length; i++) query.sort.push(orderOf(value[i], catalog, `/q/order_by/${i}`))
        break
      case 'limit':
        query.limit = integerIn(value, 1, '/q/limit', 'limit')
        break
      case 'offset':
        query.offset = integerIn(value, 0, '/q/offset', 'offset')
        break
      default:
        throw invalidQuery(`/q/${pointerToken(key)}`, `unknown member "${key}" of q; expected ${Q_MEMBERS}`)
    }
  }
}

function integerIn(value: unknown, min: number, path: string, name: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_INTEGER)
    return value
  throw invalidQuery(path, `${name} must be an integer from ${min} to ${MAX_INTEGER}`)
}

function orderOf(node: unknown, catalog: FieldCatalog, path: string): SortKey {
  if (!isObject(node)) throw invalidQuery(path, 'an order_by entry must be an object')
  let direction: unknown
  for (const key in node) {
    if (key === 'direction') direction = node[key]
    else if (key !== 'field') throw invalidQuery(`${path}/${pointerToken(key)}`, `unknown member "${key}"`)
  }
  const field = node.field
  if (typeof field !== 'string') throw invalidQuery(`${path}/field`, 'field must be a string')
  let descending = false
  if (direction !== undefined) {
    const lower = typeof direction === 'string' ? direction.toLowerCase() : direction
    if (lower !== 'asc' && lower !== 'desc') {
      throw invalidQuery(`${path}/direction`, 'direction must be "asc" or "desc"')
    }
    descending = lower === 'desc'
  }
  return sortKey(catalog, segmentsOf(catalog, field, SEPARATOR), field, descending, `${path}/field`)
}

/** One filter object of q, checked against `catalog` (the related table's, inside `has` / `any`). */
export function filterOf(node: unknown, catalog: FieldCatalog, path: string, depth: number): Filter {
  if (depth > MAX_DEPTH) throw invalidQuery(path, `filters nest deeper than ${MAX_DEPTH} levels`)
  if (!isObject(node)) throw invalidQuery(path, 'a filter must be an object')
  if ('or' in node || 'and' in node || 'not' in node) return groupOf(node, catalog, path, depth)
  for (const key in node) {
    if (key !== 'name' && key !== 'op' && key !== 'val' && key !== 'field') {
      throw invalidQuery(`${path}/${pointerToken(key)}`, `unknown member "${key}"`)
    }
  }
  const { name, op: opName, val, field: otherName } = node
  if (typeof name !== 'string') throw invalidQuery(`${path}/name`, 'name must be a string')
  if (typeof opName !== 'string') throw invalidQuery(`${path}/op`, 'op must be a string')
  const op = operatorOf(opName)
  if (op === undefined) throw invalidQuery(`${path}/op`, `unknown operator "${opName}"`)
  const segments = segmentsOf(catalog, name, SEPARATOR)
  if (op === 'has' || op === 'any') {
    const target = resolveRelation(catalog, segments, name, `${path}/name`)
    checkRelationOperator(target.relation, op, name, `${path}/op`)
    if (otherName !== undefined)
      throw invalidQuery(`${path}/field`, `"${op}" takes a filter as val, not a field`)
    const inner = relatedFilterOf(val, target.relation.catalog, `${path}/val`, depth)
    return wrap(target.relations, { kind: 'relation', relation: target.relation.name, filter: inner })
  }
  const target = resolveField(catalog, segments, name, `${path}/name`)
  if (otherName !== undefined) {
    if (val !== undefined) throw invalidQuery(path, 'give either val or field, not both')
    if (typeof otherName !== 'string') throw invalidQuery(`${path}/field`, 'field must be a string')
    const other = resolveField(catalog, segmentsOf(catalog, otherName, SEPARATOR), otherName, `${path}/field`)
    if (other.relations.join('.') !== target.relations.join('.')) {
      throw invalidQuery(`${path}/field`, `"${otherName}" is not a field of the same table as "${name}"`)
    }
    const names = { name, op: opName, other: otherName }
    return wrap(target.relations, columnFilter(target.field, op, other.field, names, path))
  }
  return wrap(target.relations, valueFilter(target.field, op, val, name, `${path}/val`, false))
}

/**
 * The `val` of `has` / `any`: nothing (some related row exists), a filter on the related table,
 * or a list of them (ANDed).
 */
export function relatedFilterOf(
  val: unknown,
  catalog: FieldCatalog,
  path: string,
  depth: number,
): Filter | undefined {
  if (val === undefined || val === null) return undefined
  if (!Array.isArray(val)) return filterOf(val, catalog, path, depth + 1)
  const filters: Filter[] = []
  for (let i = 0; i < val.length; i++) filters.push(filterOf(val[i], catalog, `${path}/${i}`, depth + 1))
  return { kind: 'and', filters }
}

function groupOf(node: Record<string, unknown>, catalog: FieldCatalog, path: string, depth: number): Filter {
  const keys = Object.keys(node)
  const kind = keys[0] as 'or' | 'and' | 'not'
  if (keys.length !== 1 || (kind !== 'or' && kind !== 'and' && kind !== 'not')) {
    throw invalidQuery(path, 'a filter with "or", "and" or "not" has no other member')
  }
  const value = node[kind]
  if (kind === 'not') return { kind, filter: filterOf(value, catalog, `${path}/not`, depth + 1) }
  if (!Array.isArray(value)) throw invalidQuery(`${path}/${kind}`, `"${kind}" takes an array of filters`)
  const filters: Filter[] = []
  for (let i = 0; i < value.length; i++) {
    filters.push(filterOf(value[i], catalog, `${path}/${kind}/${i}`, depth + 1))
  }
  return { kind, filters }
}
