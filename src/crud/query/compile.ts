/**
 * The AST compiled to Drizzle conditions and orderings. Values only ever reach the database as
 * bound parameters: Drizzle's operators bind them (with the column's encoder), and the few
 * hand-written fragments below use the `sql` template, which binds every interpolated value.
 * A template's `Slot`s (template.ts) become numbered placeholders, bound when the read runs.
 */
import {
  type AnyColumn,
  and,
  asc,
  between,
  type Column,
  type DriverValueEncoder,
  desc,
  eq,
  exists,
  gt,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  like,
  lt,
  lte,
  ne,
  noopEncoder,
  not,
  notInArray,
  notLike,
  or,
  type SQL,
  type SQLWrapper,
  sql,
} from 'drizzle-orm'
import type { Filter, SortKey, ValueFilter } from './ast.ts'
import type { FieldCatalog, FieldInfo, RelationInfo } from './catalog.ts'
import { placeholder, Slot } from './template.ts'

type Dialect = 'postgresql' | 'sqlite' | 'mysql'

// NOTE: `1 = 1` / `1 = 0` rather than `true` / `false`: every dialect and version reads them.
const TRUE = sql`1 = 1`
const FALSE = sql`1 = 0`

/**
 * The condition of a query's filters (ANDed), or `undefined` when there are none.
 *
 * @example
 * const rows = await db.select().from(members).where(compileFilters(query.filters, catalog, 'postgresql'))
 */
export function compileFilters(
  filters: readonly Filter[],
  catalog: FieldCatalog,
  dialect: Dialect,
): SQL | undefined {
  if (filters.length === 0) return undefined
  if (filters.length === 1) return compile(filters[0] as Filter, catalog, dialect)
  const parts: SQL[] = []
  for (const filter of filters) parts.push(compile(filter, catalog, dialect))
  return and(...parts)
}

/**
 * The ORDER BY terms of a query's sort keys. A key on a to-one relation's field sorts by a
 * scalar subquery of the related row. NULLs sort as on PostgreSQL on every dialect (last
 * ascending, first descending): SQLite and MySQL get an `is null` term first, for nullable
 * fields only, so an index on a NOT NULL column still serves the order.
 *
 * @example
 * db.select().from(members).orderBy(...compileOrder(query.sort, catalog, 'sqlite'), members.id)
 */
export function compileOrder(
  sort: readonly SortKey[],
  catalog: FieldCatalog,
  dialect: Dialect = 'postgresql',
): SQL[] {
  const terms: SQL[] = []
  for (const key of sort) {
    const expression = sortExpression(key, 0, catalog)
    const descending = key.direction === 'desc'
    if (dialect !== 'postgresql' && (key.path.length > 0 || fieldOf(catalog, key.field).nullable)) {
      const isNullTerm = sql`(${expression} is null)`
      terms.push(descending ? desc(isNullTerm) : asc(isNullTerm))
    }
    terms.push(descending ? desc(expression) : asc(expression))
  }
  return terms
}

function sortExpression(key: SortKey, depth: number, catalog: FieldCatalog): AnyColumn | SQL {
  if (depth === key.path.length) return fieldOf(catalog, key.field).column
  const relation = relationOf(catalog, key.path[depth] as string)
  const inner = sortExpression(key, depth + 1, relation.catalog)
  return sql`(select ${inner} from ${relation.source} ${relation.alias} where ${eq(relation.foreign, relation.local)} limit 1)`
}

function fieldOf(catalog: FieldCatalog, name: string): FieldInfo {
  const field = catalog.fields.get(name)
  // NOTE: parsed queries never miss; a hook that adds a filter on a hidden column should add SQL instead.
  if (field === undefined) throw new Error(`compileFilters: "${name}" is not a readable field.`)
  return field
}

function relationOf(catalog: FieldCatalog, name: string): RelationInfo {
  const relation = catalog.relations.get(name)
  if (relation === undefined) throw new Error(`compileFilters: "${name}" is not a relation.`)
  return relation
}

function compile(filter: Filter, catalog: FieldCatalog, dialect: Dialect): SQL {
  switch (filter.kind) {
    case 'value':
      return compileValue(filter, fieldOf(catalog, filter.field).column, dialect)
    case 'column': {
      const left = fieldOf(catalog, filter.field).column
      const right = fieldOf(catalog, filter.other).column
      return COMPARE[filter.op](left, right)
    }
    case 'relation': {
      const relation = relationOf(catalog, filter.relation)
      const inner =
        filter.filter === undefined ? undefined : compile(filter.filter, relation.catalog, dialect)
      return existsRelated(relation, inner)
    }
    case 'and':
    case 'or': {
      if (filter.filters.length === 0) return filter.kind === 'and' ? TRUE : FALSE
      const parts: SQL[] = []
      for (const part of filter.filters) parts.push(compile(part, catalog, dialect))
      return (filter.kind === 'and' ? and(...parts) : or(...parts)) as SQL
    }
    case 'not':
      return not(sql`(${compile(filter.filter, catalog, dialect)})`)
  }
}

const COMPARE = { eq, ne, gt, gte, lt, lte } as const

/**
 * A value as the operators take it: a template's slot is a placeholder that `encoder` maps.
 * (`any`: Drizzle's operators type their value by the column's data type.)
 */
function bound(value: unknown, encoder: DriverValueEncoder<unknown, unknown>): any {
  return value instanceof Slot ? placeholder(value.index, encoder) : value
}

function compileValue(filter: ValueFilter, column: Column, dialect: Dialect): SQL {
  const value = filter.value
  switch (filter.op) {
    case 'eq':
    case 'ne':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return COMPARE[filter.op](column, bound(value, column))
    case 'in':
    case 'not_in': {
      const list = value as unknown[]
      if (list.length === 0) return filter.op === 'in' ? FALSE : TRUE
      const items = list.map((item) => bound(item, column))
      return filter.op === 'in' ? inArray(column, items) : notInArray(column, items)
    }
    case 'between': {
      const [low, high] = value as [unknown, unknown]
      return between(column, bound(low, column), bound(high, column))
    }
    case 'is_null':
      return isNull(column)
    case 'is_not_null':
      return isNotNull(column)
    case 'like':
    case 'not_like':
      return compileLike(column, value, filter.op === 'not_like', dialect)
    case 'ilike':
      return compileIlike(column, bound(value, noopEncoder), dialect)
  }
}

/**
 * `like` is case-sensitive and `\` escapes `%` and `_` on every dialect, as on PostgreSQL.
 * SQLite's LIKE ignores ASCII case, so it runs as GLOB with the pattern translated; MySQL's
 * follows the column's collation, so it compares under `utf8mb4_bin`.
 */
function compileLike(column: Column, value: unknown, negate: boolean, dialect: Dialect): SQL {
  if (dialect === 'sqlite') {
    const glob = value instanceof Slot ? bound(value, GLOB) : globOf(value as string)
    return negate ? sql`${column} not glob ${glob}` : sql`${column} glob ${glob}`
  }
  const pattern = bound(value, noopEncoder)
  if (dialect === 'mysql') {
    return negate
      ? sql`${column} not like ${pattern} collate utf8mb4_bin`
      : sql`${column} like ${pattern} collate utf8mb4_bin`
  }
  return negate ? notLike(column, pattern) : like(column, pattern)
}

function compileIlike(column: Column, pattern: string | SQLWrapper, dialect: Dialect): SQL {
  if (dialect === 'postgresql') return ilike(column, pattern)
  // NOTE: SQLite has no default LIKE escape character; MySQL's is already `\`.
  if (dialect === 'sqlite') return sql`lower(${column}) like lower(${pattern}) escape '\\'`
  return sql`lower(${column}) like lower(${pattern})`
}

const GLOB_SPECIAL = /[*?[]/

/** Maps a slot's LIKE pattern to GLOB when the read runs. */
const GLOB = { mapToDriverValue: (pattern: unknown) => globOf(pattern as string) }

/** A LIKE pattern (`%`, `_`, `\` escapes) as the GLOB pattern matching the same strings. */
function globOf(pattern: string): string {
  let glob = ''
  for (let i = 0; i < pattern.length; i++) {
    let char = pattern[i] as string
    if (char === '\\' && i + 1 < pattern.length) char = pattern[++i] as string
    else if (char === '%') {
      glob += '*'
      continue
    } else if (char === '_') {
      glob += '?'
      continue
    }
    glob += GLOB_SPECIAL.test(char) ? `[${char}]` : char
  }
  return glob
}

/** EXISTS over the relation: its rows joined to the outer row, narrowed by `inner`. */
function existsRelated(relation: RelationInfo, inner: SQL | undefined): SQL {
  const through = relation.through
  if (through === undefined) {
    const where =
      inner === undefined
        ? eq(relation.foreign, relation.local)
        : and(eq(relation.foreign, relation.local), inner)
    return exists(sql`(select 1 from ${relation.source} ${relation.alias} where ${where})`)
  }
  const joined = eq(through.local, relation.local)
  const where = inner === undefined ? joined : and(joined, inner)
  return exists(
    sql`(select 1 from ${through.source} ${through.alias} inner join ${relation.source} ${relation.alias} on ${eq(relation.foreign, through.foreign)} where ${where})`,
  )
}
