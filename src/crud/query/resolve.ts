/**
 * Names and values checked against the catalog, shared by both query forms so they build the
 * same AST: `relation__field` (q) and `relation.field` (short form) both become a
 * `RelationFilter` around a filter on the related table.
 */
import type { ColumnFilter, Filter, Operator, SortKey, ValueFilter, ValueOperator } from './ast.ts'
import type { FieldCatalog, FieldInfo, RelationInfo } from './catalog.ts'
import { isColumnOperator } from './operators.ts'
import { invalidQuery, show } from './query-error.ts'
import { coerce, expectation, INVALID } from './values.ts'

/** A name resolved to a field, with the relations leading to its table. */
export interface FieldTarget {
  relations: string[]
  field: FieldInfo
}

/** A name resolved to a relation, with the relations leading to its parent table. */
export interface RelationTarget {
  relations: string[]
  relation: RelationInfo
}

/** The segments of a name: `a__b` (q) or `a.b` (short form), unless the whole name is a field. */
export function segmentsOf(catalog: FieldCatalog, name: string, separator: string): string[] {
  if (catalog.fields.has(name) || catalog.relations.has(name) || !name.includes(separator)) return [name]
  return name.split(separator)
}

/** Walks all but the last segment through relations; `undefined` when one is not a relation. */
function walk(
  catalog: FieldCatalog,
  segments: readonly string[],
  relations: string[],
): FieldCatalog | undefined {
  let current = catalog
  for (let i = 0; i < segments.length - 1; i++) {
    const relation = current.relations.get(segments[i] as string)
    if (relation === undefined) return undefined
    relations.push(relation.name)
    current = relation.catalog
  }
  return current
}

export function resolveField(
  catalog: FieldCatalog,
  segments: readonly string[],
  display: string,
  path: string,
): FieldTarget {
  const relations: string[] = []
  const leaf = segments[segments.length - 1] as string
  const owner = walk(catalog, segments, relations)
  const field = owner?.fields.get(leaf)
  if (field !== undefined) return { relations, field }
  if (owner?.relations.has(leaf)) {
    throw invalidQuery(path, `"${display}" is a relation, not a field: filter its fields, or use has or any`)
  }
  throw invalidQuery(path, `unknown field "${display}"`)
}

export function resolveRelation(
  catalog: FieldCatalog,
  segments: readonly string[],
  display: string,
  path: string,
): RelationTarget {
  const relations: string[] = []
  const owner = walk(catalog, segments, relations)
  const leaf = segments[segments.length - 1] as string
  const relation = owner?.relations.get(leaf)
  if (relation !== undefined) return { relations, relation }
  if (owner?.fields.has(leaf)) throw invalidQuery(path, `"${display}" is a field, not a relation`)
  throw invalidQuery(path, `unknown relation "${display}"`)
}

/** `inner` inside a `RelationFilter` per relation, outermost first. */
export function wrap(relations: readonly string[], inner: Filter): Filter {
  let filter = inner
  for (let i = relations.length - 1; i >= 0; i--) {
    filter = { kind: 'relation', relation: relations[i] as string, filter }
  }
  return filter
}

/** Checks `has` (to-one) and `any` (to-many) against the relation's kind. */
export function checkRelationOperator(
  relation: RelationInfo,
  op: 'has' | 'any',
  display: string,
  path: string,
) {
  if (op === 'has' && relation.kind === 'many') {
    throw invalidQuery(path, `"has" applies to a to-one relation; "${display}" is to-many: use "any"`)
  }
  if (op === 'any' && relation.kind === 'one') {
    throw invalidQuery(path, `"any" applies to a to-many relation; "${display}" is to-one: use "has"`)
  }
}

function comparable(field: FieldInfo, display: string, path: string): void {
  if (field.kind === 'opaque') {
    throw invalidQuery(path, `"${display}" can only be filtered with is_null or is_not_null`)
  }
}

function checked(field: FieldInfo, raw: unknown, display: string, path: string): unknown {
  const value = coerce(field, raw)
  if (value === INVALID) {
    throw invalidQuery(path, `"${display}" expects ${expectation(field, raw)}; got ${show(raw)}`)
  }
  return value
}

function endsWithEscape(pattern: string): boolean {
  let count = 0
  for (let i = pattern.length - 1; i >= 0 && pattern.charCodeAt(i) === 92; i--) count++
  return count % 2 === 1
}

/**
 * A field compared with a value. `raw` is a JSON value (q), or a string, a string list for
 * `in`/`not_in`/`between` (short form); `null` in q means `is_null` for `eq` and `is_not_null` for `ne`.
 */
export function valueFilter(
  field: FieldInfo,
  op: ValueOperator,
  raw: unknown,
  display: string,
  path: string,
  short: boolean,
): ValueFilter {
  switch (op) {
    case 'is_null':
    case 'is_not_null':
      if (short ? raw !== '' : raw !== undefined && raw !== null)
        throw invalidQuery(path, `"${op}" takes no value`)
      return { kind: 'value', field: field.name, op, value: null }
    case 'in':
    case 'not_in':
    case 'between': {
      comparable(field, display, path)
      if (!Array.isArray(raw))
        throw invalidQuery(path, `"${op}" takes ${op === 'between' ? 'two values' : 'a list'}`)
      if (op === 'between' && raw.length !== 2) {
        throw invalidQuery(path, `"between" takes exactly two values; got ${raw.length}`)
      }
      const values: unknown[] = new Array(raw.length)
      for (let i = 0; i < raw.length; i++) {
        values[i] = checked(field, raw[i], display, short ? path : `${path}/${i}`)
      }
      return { kind: 'value', field: field.name, op, value: values }
    }
    case 'like':
    case 'ilike':
    case 'not_like': {
      if (field.kind !== 'text')
        throw invalidQuery(path, `"${op}" applies to text fields; "${display}" is not one`)
      const value = checked(field, raw, display, path) as string
      // NOTE: `\` escapes `%` and `_` on every dialect; PostgreSQL rejects a pattern ending in it.
      if (endsWithEscape(value))
        throw invalidQuery(path, `the pattern of "${display}" ends with an unescaped "\\"`)
      return { kind: 'value', field: field.name, op, value }
    }
    default: {
      comparable(field, display, path)
      if (raw === null) {
        if (op === 'eq') return { kind: 'value', field: field.name, op: 'is_null', value: null }
        if (op === 'ne') return { kind: 'value', field: field.name, op: 'is_not_null', value: null }
        throw invalidQuery(path, `"${op}" cannot compare with null`)
      }
      if (raw === undefined) throw invalidQuery(path, `"${op}" needs a value`)
      return { kind: 'value', field: field.name, op, value: checked(field, raw, display, path) }
    }
  }
}

/** Which fields may be compared with each other without the database refusing. */
function groupOf(field: FieldInfo): string {
  switch (field.kind) {
    case 'int':
    case 'bigint':
    case 'float':
    case 'decimal':
      return 'number'
    case 'date-time':
    case 'date-time-string':
    case 'date':
    case 'date-string':
      return 'date'
    case 'enum':
      return `enum ${field.column.getSQLType()}`
    default:
      return field.kind
  }
}

/** Two fields of one table compared (`{"name": a, "op": o, "field": b}`). */
export function columnFilter(
  field: FieldInfo,
  op: Operator,
  other: FieldInfo,
  names: { name: string; op: string; other: string },
  path: string,
): ColumnFilter {
  if (!isColumnOperator(op)) {
    throw invalidQuery(`${path}/op`, `"${names.op}" cannot compare two fields; use ==, !=, <, <=, > or >=`)
  }
  comparable(field, names.name, `${path}/name`)
  comparable(other, names.other, `${path}/field`)
  if (groupOf(field) !== groupOf(other)) {
    throw invalidQuery(
      `${path}/field`,
      `cannot compare "${names.name}" (${field.type}) with "${names.other}" (${other.type})`,
    )
  }
  return { kind: 'column', field: field.name, op, other: other.name }
}

/** A sort key: the field, or a field reached through to-one relations. */
export function sortKey(
  catalog: FieldCatalog,
  segments: readonly string[],
  display: string,
  descending: boolean,
  path: string,
): SortKey {
  const relations: string[] = []
  let current = catalog
  for (let i = 0; i < segments.length - 1; i++) {
    const relation = current.relations.get(segments[i] as string)
    if (relation === undefined) throw invalidQuery(path, `unknown field "${display}"`)
    if (relation.kind === 'many' || relation.through !== undefined) {
      throw invalidQuery(path, `cannot sort by "${display}": "${relation.name}" is a to-many relation`)
    }
    relations.push(relation.name)
    current = relation.catalog
  }
  const field = current.fields.get(segments[segments.length - 1] as string)
  if (field === undefined) throw invalidQuery(path, `unknown field "${display}"`)
  if (field.kind === 'opaque') throw invalidQuery(path, `cannot sort by "${display}"`)
  return { path: relations, field: field.name, direction: descending ? 'desc' : 'asc' }
}

/** Resolves a dotted include path (`lists.owner`) to its relations' catalogs; the last one is returned. */
export function includedCatalog(catalog: FieldCatalog, dotted: string, path: string): FieldCatalog {
  let current = catalog
  for (const name of dotted.split('.')) {
    const relation = current.relations.get(name)
    if (relation === undefined) throw invalidQuery(path, `unknown relation "${dotted}"`)
    current = relation.catalog
  }
  return current
}
