import { type TObject, type TSchema, Type } from '@sinclair/typebox'
import { type Column, getTableColumns, getTableName, is, type Table } from 'drizzle-orm'
import { MySqlTable, getTableConfig as mysqlConfig } from 'drizzle-orm/mysql-core'
import { PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core'
import { SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core'
import { createSchemaFactory } from 'drizzle-typebox'

/** Which columns a client may read and write; names are the table's property keys. */
export interface FieldSelection {
  include?: string[]
  exclude?: string[]
}

// JSON has no dates: date columns travel as RFC 3339 strings (and are parsed back on writes).
const jsonTypebox = { ...Type, Date: () => Type.String({ format: 'date-time' }) }
const { createSelectSchema, createInsertSchema } = createSchemaFactory({ typeboxInstance: jsonTypebox })

/** Everything `crud()` derives from a table once, at startup. */
export interface TableModel {
  table: Table
  name: string
  columns: Record<string, Column>
  /** The primary key's property keys, in order. */
  primaryKey: string[]
  readable: string[]
  writable: string[]
  /** Property keys of date columns: strings from clients become `Date`s before a write. */
  dateFields: string[]
  /** The row as clients see it (readable fields only). */
  row: TObject
  /** A full write (POST, PUT): writable fields, required where the column needs a value. */
  create: TObject
  /** A partial write (PATCH): any writable field, at least one. */
  patch: TObject
}

function select(all: string[], selection: FieldSelection | undefined, what: string, table: string): string[] {
  for (const name of [...(selection?.include ?? []), ...(selection?.exclude ?? [])]) {
    if (!all.includes(name))
      throw new Error(`crud(${table}): ${what} names "${name}", which the table does not have`)
  }
  const included = selection?.include ?? all
  return included.filter((name) => !selection?.exclude?.includes(name))
}

/** The primary key's property keys: a column's `.primaryKey()`, or the table's `primaryKey({ columns })`. */
function primaryKeyOf(table: Table, columns: Record<string, Column>): string[] {
  const own = Object.keys(columns).filter((key) => columns[key]?.primary)
  if (own.length > 0) return own
  const config = is(table, PgTable)
    ? pgConfig(table)
    : is(table, SQLiteTable)
      ? sqliteConfig(table)
      : is(table, MySqlTable)
        ? mysqlConfig(table)
        : undefined
  const composite = config?.primaryKeys[0]?.columns ?? []
  return composite.map(
    (column) => Object.keys(columns).find((key) => columns[key]?.name === column.name) as string,
  )
}

/**
 * Builds a table's model: its primary key, which fields are readable and writable,
 * and the TypeBox schemas of rows and writes (from drizzle-typebox), with `validate`
 * adding per-field rules on top of the column's own.
 */
export function modelOf(
  table: Table,
  options: {
    read?: FieldSelection
    write?: FieldSelection
    readOnly?: string[]
    validate?: Record<string, TSchema>
    name?: string
  },
): TableModel {
  const name = getTableName(table)
  const columns = getTableColumns(table) as Record<string, Column>
  const all = Object.keys(columns)
  const primaryKey = primaryKeyOf(table, columns)
  if (primaryKey.length === 0) throw new Error(`crud(${name}): the table has no primary key column`)
  const readable = select(all, options.read, 'read', name)
  for (const key of primaryKey) {
    if (!readable.includes(key)) throw new Error(`crud(${name}): the primary key "${key}" must be readable`)
  }
  // Generated keys (serial, identity, autoincrement) and read-only fields cannot be written.
  const generated = primaryKey.filter((key) => columns[key]?.hasDefault)
  const readOnly = new Set([...generated, ...(options.readOnly ?? [])])
  const writable = select(all, options.write, 'write', name).filter((key) => !readOnly.has(key))
  for (const key of Object.keys(options.validate ?? {})) {
    if (!all.includes(key))
      throw new Error(`crud(${name}): validate names "${key}", which the table does not have`)
  }
  const refine = options.validate as Record<string, TSchema> | undefined
  const selected = createSelectSchema(table, refine as never) as unknown as TObject
  const inserted = createInsertSchema(table, refine as never) as unknown as TObject
  const title = options.name ?? name.charAt(0).toUpperCase() + name.slice(1)
  const row = Type.Pick(selected, readable, { $id: title, additionalProperties: false }) as TObject
  const create = Type.Pick(inserted, writable, {
    $id: `${title}Input`,
    additionalProperties: false,
  }) as TObject
  const patch = Type.Partial(Type.Pick(inserted, writable), {
    $id: `${title}Patch`,
    additionalProperties: false,
    minProperties: 1,
  }) as TObject
  const dateFields = all.filter((key) => columns[key]?.dataType === 'date')
  return { table, name, columns, primaryKey, readable, writable, dateFields, row, create, patch }
}

/** What `crud()` needs of a relation to describe embedded rows (see `RelationSpec`). */
interface RelationShape {
  table: Table
  kind: 'one' | 'many'
  readable?: string[]
  relations?: Record<string, RelationShape>
}

// A relation may lead back to its own table (a member's referrer): schemas stop at this depth.
const MAX_INCLUDE_DEPTH = 3

/**
 * The schema of a listed row: every readable field optional (`fields=` may leave some out),
 * plus each relation `include=` may embed: an object or null (to-one), an array (to-many).
 */
export function listedRowOf(
  model: TableModel,
  relations: Record<string, RelationShape> | undefined,
): TObject {
  const listed = Type.Partial(model.row, {
    $id: `${String(model.row.$id)}Fields`,
    additionalProperties: false,
  })
  if (relations === undefined) return listed
  return Type.Object(
    { ...listed.properties, ...embeddedProperties(relations, 1) },
    { $id: listed.$id, additionalProperties: false },
  )
}

function embeddedProperties(
  relations: Record<string, RelationShape>,
  depth: number,
): Record<string, TSchema> {
  const properties: Record<string, TSchema> = {}
  for (const [name, relation] of Object.entries(relations)) {
    const selected = createSelectSchema(relation.table) as unknown as TObject
    const readable = relation.readable ?? Object.keys(selected.properties)
    const nested =
      depth < MAX_INCLUDE_DEPTH && relation.relations ? embeddedProperties(relation.relations, depth + 1) : {}
    const row = Type.Object(
      { ...Type.Partial(Type.Pick(selected, readable)).properties, ...nested },
      {
        additionalProperties: false,
      },
    )
    properties[name] = Type.Optional(
      relation.kind === 'one' ? Type.Union([row, Type.Null()]) : Type.Array(row),
    )
  }
  return properties
}
