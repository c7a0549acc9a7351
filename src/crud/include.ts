/**
 * `include=`: embeds related rows into listed (or read) rows. Each relation at each depth costs
 * one query for all rows together (`WHERE key IN (...)`), never one per row: no N+1.
 */
import { asc, type Column, eq, getTableColumns, inArray, type SQL, type Table } from 'drizzle-orm'
import type { FieldCatalog, RelationInfo } from './query/index.ts'

type Row = Record<string, unknown>
/** Runs a query, mapping driver errors as the resource does. */
type Runner = <T>(query: PromiseLike<T>) => Promise<T>

interface IncludeTree {
  [relation: string]: IncludeTree
}

const PARENT = '__saker_parent'

/** `['lists', 'lists.owner', 'subscriptions']` as a tree. */
function treeOf(paths: readonly string[]): IncludeTree {
  const tree: IncludeTree = {}
  for (const path of paths) {
    let node = tree
    for (const name of path.split('.')) {
      node[name] ??= {}
      node = node[name] as IncludeTree
    }
  }
  return tree
}

/** The property key of `column` in `table` (by identity, else by SQL name). */
function keyOf(table: Table, column: Column): string {
  const columns = getTableColumns(table) as Record<string, Column>
  for (const key in columns) if (columns[key] === column) return key
  for (const key in columns) if (columns[key]?.name === column.name) return key
  throw new Error(`include: no column ${column.name} in the table`)
}

/** The parent keys a set of include paths needs selected, so related rows can be matched. */
export function keysForInclude(catalog: FieldCatalog, paths: readonly string[]): string[] {
  const keys: string[] = []
  for (const name of Object.keys(treeOf(paths))) {
    const info = catalog.relations.get(name) as RelationInfo
    keys.push(keyOf(catalog.table, info.local))
  }
  return keys
}

/**
 * Embeds the relations named by `paths` into `rows` (in place): a to-one relation becomes an
 * object or `null`, a to-many one an array. `fields` (by dotted path) selects related fields.
 */
export async function embed(
  drizzle: any,
  catalog: FieldCatalog,
  rows: Row[],
  paths: readonly string[],
  fields: Readonly<Record<string, string[]>> | undefined,
  run: Runner,
): Promise<void> {
  await embedTree(drizzle, catalog, rows, treeOf(paths), '', fields, run)
}

async function embedTree(
  drizzle: any,
  catalog: FieldCatalog,
  rows: Row[],
  tree: IncludeTree,
  prefix: string,
  fields: Readonly<Record<string, string[]>> | undefined,
  run: Runner,
): Promise<void> {
  for (const [name, children] of Object.entries(tree)) {
    const info = catalog.relations.get(name) as RelationInfo
    const path = prefix === '' ? name : `${prefix}.${name}`
    const localKey = keyOf(catalog.table, info.local)
    const values = [
      ...new Set(rows.map((row) => row[localKey]).filter((value) => value !== null && value !== undefined)),
    ]
    const related = await fetchRelated(drizzle, info, values, fields?.[path], Object.keys(children), run)
    const byParent = new Map<unknown, Row[]>()
    for (const row of related) {
      const parent = row[PARENT]
      delete row[PARENT]
      const list = byParent.get(parent)
      if (list === undefined) byParent.set(parent, [row])
      else list.push(row)
    }
    for (const row of rows) {
      const matches = byParent.get(row[localKey]) ?? []
      row[name] = info.kind === 'one' ? (matches[0] ?? null) : matches
    }
    if (Object.keys(children).length > 0) {
      await embedTree(drizzle, info.catalog, related, children, path, fields, run)
      stripHidden(related, info, fields?.[path], Object.keys(children))
    }
  }
}

/** The related rows of `values`, each with its parent's key under PARENT. */
async function fetchRelated(
  drizzle: any,
  info: RelationInfo,
  values: unknown[],
  wanted: string[] | undefined,
  nested: string[],
  run: Runner,
): Promise<Row[]> {
  if (values.length === 0) return []
  const columns = getTableColumns(info.source) as Record<string, Column>
  const names = new Set(wanted ?? info.catalog.names)
  // Nested relations need their own keys, even when the client did not ask for them.
  for (const child of nested)
    names.add(keyOf(info.catalog.table, (info.catalog.relations.get(child) as RelationInfo).local))
  const selection: Record<string, Column> = {}
  for (const key of names) selection[key] = columns[key] as Column
  const foreign = columns[keyOf(info.alias, info.foreign)] as Column
  const order: SQL[] = Object.values(columns)
    .filter((column) => column.primary)
    .map((column) => asc(column))
  if (info.through === undefined) {
    selection[PARENT] = foreign
    return (await run(
      drizzle
        .select(selection)
        .from(info.source)
        .where(inArray(foreign, values))
        .orderBy(...order),
    )) as Row[]
  }
  const throughColumns = getTableColumns(info.through.source) as Record<string, Column>
  const throughLocal = throughColumns[keyOf(info.through.alias, info.through.local)] as Column
  const throughForeign = throughColumns[keyOf(info.through.alias, info.through.foreign)] as Column
  selection[PARENT] = throughLocal
  return (await run(
    drizzle
      .select(selection)
      .from(info.source)
      .innerJoin(info.through.source, eq(throughForeign, foreign))
      .where(inArray(throughLocal, values))
      .orderBy(...order),
  )) as Row[]
}

/** Removes the keys selected only to match nested relations. */
function stripHidden(rows: Row[], info: RelationInfo, wanted: string[] | undefined, nested: string[]): void {
  if (wanted === undefined) return
  for (const child of nested) {
    const key = keyOf(info.catalog.table, (info.catalog.relations.get(child) as RelationInfo).local)
    if (wanted.includes(key)) continue
    for (const row of rows) delete row[key]
  }
}
