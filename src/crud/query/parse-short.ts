/**
 * The short form: filters as query parameters, one condition per parameter, all ANDed.
 *
 * ```
 * filter    = name [ "[" op "]" ] "=" value      ; no "[op]": eq
 * name      = field | relation "." name          ; lists.name: a field of a related table
 * op        = any spelling of operators.ts       ; eq == equals ... gte >= ... like between has any
 * value     = text                               ; read as the field's type: age[gte]=18
 * list      = item *( "," item )                 ; in, not_in, between; "\," is a comma, "\\" a backslash
 * ```
 *
 * - `email=ada@example.com` is `eq`; `age[gte]=18`; `id[in]=1,2,3` (`id[in]=` matches nothing);
 *   `age[between]=18,30`; `deleted_at[is_null]` takes no value; `email[like]=%25@example.com`
 *   (`%` must be sent as `%25`, `+` as `%2B`: a `+` is a space in a query string).
 * - `lists.name[eq]=news` holds when some related row matches (`any` for to-many relations,
 *   `has` for to-one); `lists[any]` alone: some related row exists; `lists[any]={"name":"name",
 *   "op":"eq","val":"news"}` takes a q filter on the related table.
 * - A repeated parameter is one condition per occurrence (ANDed), except `in` / `not_in`, whose
 *   lists are joined: `id[in]=1&id[in]=2` is `id[in]=1,2`.
 * - Comparing two fields, `or`, `and` and `not` need the JSON form (`q`); so does filtering on a
 *   column whose name is a reserved parameter (`q sort fields page results_per_page include cursor count`).
 */
import type { Filter } from './ast.ts'
import type { FieldCatalog } from './catalog.ts'
import { operatorOf } from './operators.ts'
import { relatedFilterOf } from './parse-json.ts'
import { invalidQuery, pointerToken } from './query-error.ts'
import {
  checkRelationOperator,
  resolveField,
  resolveRelation,
  segmentsOf,
  valueFilter,
  wrap,
} from './resolve.ts'

const KEY = /^([^[\]]+)(?:\[([^[\]]*)\])?$/
const SEPARATOR = '.'
const BACKSLASH = 92
const COMMA = 44

/** Appends the items of a comma-separated list to `into`; `''` is the empty list. */
export function splitList(value: string, into: string[]): void {
  if (value === '') return
  // PERF: no escapes (the common case) is a plain split.
  if (!value.includes('\\')) {
    for (const item of value.split(',')) into.push(item)
    return
  }
  let item = ''
  let start = 0
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code === BACKSLASH && i + 1 < value.length) {
      item += value.slice(start, i)
      start = ++i
    } else if (code === COMMA) {
      into.push(item + value.slice(start, i))
      item = ''
      start = i + 1
    }
  }
  into.push(item + value.slice(start))
}

/** Reads one short-form parameter (`key=raw`) into `filters`. */
export function shortFilters(
  key: string,
  raw: string | string[],
  catalog: FieldCatalog,
  filters: Filter[],
): void {
  const path = `/${pointerToken(key)}`
  const match = KEY.exec(key)
  if (match === null) {
    throw invalidQuery(path, `cannot read the parameter "${key}": a filter is field=value or field[op]=value`)
  }
  const name = match[1] as string
  const opName = match[2]
  const op = opName === undefined ? 'eq' : operatorOf(opName)
  if (op === undefined) throw invalidQuery(path, `unknown operator "${opName}"`)
  const values = typeof raw === 'string' ? [raw] : raw
  const segments = segmentsOf(catalog, name, SEPARATOR)
  if (op === 'has' || op === 'any') {
    const target = resolveRelation(catalog, segments, name, path)
    checkRelationOperator(target.relation, op, name, path)
    for (const value of values) {
      const inner =
        value === '' ? undefined : relatedFilterOf(json(value, key, path), target.relation.catalog, path, 0)
      filters.push(
        wrap(target.relations, { kind: 'relation', relation: target.relation.name, filter: inner }),
      )
    }
    return
  }
  const target = resolveField(catalog, segments, name, path)
  if (op === 'in' || op === 'not_in') {
    const list: string[] = []
    for (const value of values) splitList(value, list)
    filters.push(wrap(target.relations, valueFilter(target.field, op, list, name, path, true)))
    return
  }
  for (const value of values) {
    let input: string | string[] = value
    if (op === 'between') splitList(value, (input = []))
    filters.push(wrap(target.relations, valueFilter(target.field, op, input, name, path, true)))
  }
}

function json(value: string, key: string, path: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    throw invalidQuery(path, `the value of ${key} is not valid JSON`)
  }
}
