/**
 * The field catalog: what a list query may name. Built once per resource at startup from a
 * Drizzle table; parsing and compiling a request only read it.
 */
import { aliasedTable, type Column, getTableColumns, getTableName, type Table } from 'drizzle-orm'

/** The JSON type of a field, derived from its Drizzle column. */
export type FieldType = 'integer' | 'number' | 'string' | 'boolean' | 'date-time' | 'date' | 'json'

/**
 * How a filter value is checked and converted for a column. `opaque` columns (json, arrays,
 * binary, network types, custom types) are readable but only `is_null` / `is_not_null` apply.
 */
export type ValueKind =
  | 'int'
  | 'bigint'
  | 'float'
  | 'decimal'
  | 'text'
  | 'uuid'
  | 'enum'
  | 'boolean'
  | 'date-time'
  | 'date-time-string'
  | 'date'
  | 'date-string'
  | 'time'
  | 'opaque'

/** One readable field. */
export interface FieldInfo {
  /** The table's TS property key: the name clients use. */
  readonly name: string
  /** The Drizzle column (of the alias, in a relation's catalog). */
  readonly column: Column
  readonly type: FieldType
  /** Refines `type` where JSON Schema would: `uuid`, `decimal` (exact numeric as a string), `time`, `int64`. */
  readonly format: 'uuid' | 'decimal' | 'time' | 'int64' | undefined
  /** The allowed values of an enum column. */
  readonly enum: readonly string[] | undefined
  readonly nullable: boolean
  readonly kind: ValueKind
  /** Inclusive bounds of an `int` field (PostgreSQL rejects out-of-range parameters). */
  readonly min: number
  readonly max: number
}

/** A column, or its key in the table. */
export type ColumnRef = Column | string

/**
 * A relation of a table to another, for related-field filters, `has` / `any`, related sorts
 * and `include`. Without `through`, `localColumn` (this table) equals `foreignColumn` (the
 * related table); with `through` (many-to-many), `localColumn` equals `through.localColumn` and
 * `through.foreignColumn` equals `foreignColumn`.
 *
 * @example
 * const lists: RelationSpec = {
 *   table: lists, kind: 'many', localColumn: members.id, foreignColumn: lists.id,
 *   through: { table: memberships, localColumn: memberships.memberId, foreignColumn: memberships.listId },
 * }
 */
export interface RelationSpec {
  table: Table
  kind: 'one' | 'many'
  localColumn: ColumnRef
  foreignColumn: ColumnRef
  through?: { table: Table; localColumn: ColumnRef; foreignColumn: ColumnRef }
  /** The related table's readable fields (default: all of its columns). */
  readable?: string[]
  /** The related table's own relations, for deeper paths (`lists__owner__email`). */
  relations?: Record<string, RelationSpec>
}

/** A relation as compiled: aliased tables and columns ready for an EXISTS or scalar subquery. */
export interface RelationInfo {
  readonly name: string
  readonly kind: 'one' | 'many'
  /** The related table's catalog; its columns render as `alias.column`. */
  readonly catalog: FieldCatalog
  /** The related table as declared (the FROM clause) and its alias. */
  readonly source: Table
  readonly alias: Table
  /** The parent's column and the related column it equals. */
  readonly local: Column
  readonly foreign: Column
  readonly through:
    | { readonly source: Table; readonly alias: Table; readonly local: Column; readonly foreign: Column }
    | undefined
}

/** What a list query may name on one table. */
export interface FieldCatalog {
  /** The table as this catalog's columns render (an alias in a relation's catalog). */
  readonly table: Table
  readonly fields: ReadonlyMap<string, FieldInfo>
  /** The readable field names, in the table's column order: the default selection. */
  readonly names: readonly string[]
  readonly relations: ReadonlyMap<string, RelationInfo>
}

export interface CatalogOptions {
  /** The readable fields (default: every column). Hidden columns cannot be filtered, sorted or selected. */
  readable?: string[]
  relations?: Record<string, RelationSpec>
}

/**
 * Builds the catalog of a Drizzle table, once, at startup.
 *
 * @example
 * const catalog = catalogOf(members, { readable: ['id', 'email', 'lastName'], relations: { lists } })
 */
export function catalogOf(table: Table, options: CatalogOptions = {}): FieldCatalog {
  return build(table, table, options, 0)
}

// NOTE: subqueries alias the related table by depth, so a relation to the same table (a member's
// referrer) never shadows the outer row it is correlated with.
function build(table: Table, source: Table, options: CatalogOptions, depth: number): FieldCatalog {
  const columns = getTableColumns(table) as Record<string, Column>
  const names = options.readable ?? Object.keys(columns)
  const fields = new Map<string, FieldInfo>()
  for (const name of names) {
    const column = columns[name]
    if (column === undefined) {
      throw new Error(`catalogOf: "${name}" is not a column of table "${getTableName(source)}".`)
    }
    fields.set(name, fieldOf(name, column))
  }
  const relations = new Map<string, RelationInfo>()
  for (const [name, spec] of Object.entries(options.relations ?? {})) {
    if (fields.has(name) || columns[name] !== undefined) {
      throw new Error(`catalogOf: relation "${name}" has the name of a column of "${getTableName(source)}".`)
    }
    relations.set(name, relationOf(name, spec, source, columns, depth + 1))
  }
  return { table, fields, names: [...fields.keys()], relations }
}

function relationOf(
  name: string,
  spec: RelationSpec,
  parent: Table,
  parentColumns: Record<string, Column>,
  depth: number,
): RelationInfo {
  const alias = aliasedTable(spec.table, `saker_r${depth}`)
  const catalog = build(alias, spec.table, { readable: spec.readable, relations: spec.relations }, depth)
  const aliasColumns = getTableColumns(alias) as Record<string, Column>
  let through: RelationInfo['through']
  if (spec.through !== undefined) {
    const throughAlias = aliasedTable(spec.through.table, `saker_t${depth}`)
    const throughColumns = getTableColumns(throughAlias) as Record<string, Column>
    through = {
      source: spec.through.table,
      alias: throughAlias,
      local: columnOf(spec.through.table, throughColumns, spec.through.localColumn, name),
      foreign: columnOf(spec.through.table, throughColumns, spec.through.foreignColumn, name),
    }
  }
  return {
    name,
    kind: spec.kind,
    catalog,
    source: spec.table,
    alias,
    local: columnOf(parent, parentColumns, spec.localColumn, name),
    foreign: columnOf(spec.table, aliasColumns, spec.foreignColumn, name),
    through,
  }
}

/** The column of `columns` (the table's, or its alias's) that `ref` names. */
function columnOf(table: Table, columns: Record<string, Column>, ref: ColumnRef, relation: string): Column {
  let key: string | undefined
  if (typeof ref === 'string') key = ref
  else {
    const own = getTableColumns(table) as Record<string, Column>
    for (const candidate in own) if (own[candidate] === ref) key = candidate
  }
  const column = key === undefined ? undefined : columns[key]
  if (column === undefined) {
    const what = typeof ref === 'string' ? `"${ref}"` : `column "${ref.name}"`
    throw new Error(`catalogOf: relation "${relation}": ${what} is not a column of "${getTableName(table)}".`)
  }
  return column
}

const INT32: readonly [number, number] = [-2147483648, 2147483647]
const INT16: readonly [number, number] = [-32768, 32767]
const SAFE: readonly [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
const INTEGER_TYPE = /Int|Serial|Year/
const PG_INT16 = /^Pg(SmallInt|SmallSerial)$/
const PG_INT32 = /^Pg(Integer|Serial)$/
const TEXT_TYPE = /(text|char)$/i
const DECIMAL_TYPE = /Numeric|Decimal/

interface Shape {
  type: FieldType
  kind: ValueKind
  format?: FieldInfo['format']
  range?: readonly [number, number]
}

/** Derives the JSON type and value kind from the column's `dataType` and `columnType`. */
function shapeOf(column: Column): Shape {
  const columnType = column.columnType
  switch (column.dataType) {
    case 'number':
      if (!INTEGER_TYPE.test(columnType)) return { type: 'number', kind: 'float' }
      if (PG_INT16.test(columnType)) return { type: 'integer', kind: 'int', range: INT16 }
      if (PG_INT32.test(columnType)) return { type: 'integer', kind: 'int', range: INT32 }
      return { type: 'integer', kind: 'int', range: SAFE }
    case 'bigint':
      return { type: 'integer', kind: 'bigint', format: 'int64' }
    case 'boolean':
      return { type: 'boolean', kind: 'boolean' }
    case 'date':
      return columnType.endsWith('Date')
        ? { type: 'date', kind: 'date' }
        : { type: 'date-time', kind: 'date-time' }
    case 'string':
      if (columnType === 'PgUUID') return { type: 'string', kind: 'uuid', format: 'uuid' }
      if ((column.enumValues?.length ?? 0) > 0) return { type: 'string', kind: 'enum' }
      if (DECIMAL_TYPE.test(columnType)) return { type: 'number', kind: 'decimal', format: 'decimal' }
      if (columnType.endsWith('DateString')) return { type: 'date', kind: 'date-string' }
      if (columnType.endsWith('TimeString')) return { type: 'date-time', kind: 'date-time-string' }
      if (columnType.endsWith('TimestampString')) return { type: 'date-time', kind: 'date-time-string' }
      if (columnType.endsWith('Time')) return { type: 'string', kind: 'time', format: 'time' }
      if (TEXT_TYPE.test(columnType)) return { type: 'string', kind: 'text' }
      return { type: 'string', kind: 'opaque' }
    default:
      return { type: 'json', kind: 'opaque' }
  }
}

function fieldOf(name: string, column: Column): FieldInfo {
  const shape = shapeOf(column)
  const range = shape.range ?? SAFE
  return {
    name,
    column,
    type: shape.type,
    format: shape.format,
    enum: shape.kind === 'enum' ? column.enumValues : undefined,
    nullable: !column.notNull,
    kind: shape.kind,
    min: range[0],
    max: range[1],
  }
}
