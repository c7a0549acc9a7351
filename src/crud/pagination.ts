/** Pages of a list: the envelope schema, the `Link` header and the count strategies. */
import { type TObject, type TSchema, Type } from '@sinclair/typebox'
import { count, type SQL, sql } from 'drizzle-orm'
import type { Database } from './database.ts'
import type { AnyContext } from './options.ts'
import type { TableModel } from './schemas.ts'

/**
 * The Flask-RESTless list envelope. Listed rows may be sparse (`fields=`), so their
 * fields are optional; the serializer still writes only readable ones.
 */
export function pageOf(listed: TObject): TSchema {
  const name = String(listed.$id).replace(/Fields$/, '')
  return Type.Object(
    {
      num_results: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      // null when the list pages with cursors
      page: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
      total_pages: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      next_cursor: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      objects: Type.Array(listed),
    },
    { $id: `${name}Page` },
  )
}

/** RFC 8288 links to the first, previous, next and last pages, keeping the other query parameters. */
export function linkHeader(
  ctx: AnyContext,
  page: number,
  hasNext: boolean,
  totalPages: number | null,
): string {
  const links = [pageLink(ctx, 1, 'first')]
  if (page > 1)
    links.push(
      pageLink(ctx, totalPages === null ? page - 1 : Math.min(page - 1, Math.max(totalPages, 1)), 'prev'),
    )
  if (hasNext) links.push(pageLink(ctx, page + 1, 'next'))
  if (totalPages !== null) links.push(pageLink(ctx, Math.max(totalPages, 1), 'last'))
  return links.join(', ')
}

/** Links of a cursor-paged list: the first page, and the next one while there is one. */
export function cursorLinks(ctx: AnyContext, nextCursor: string | null): string {
  const first = new URLSearchParams(ctx.rawQuery)
  first.delete('cursor')
  const links = [`<${ctx.path}?${first.toString()}>; rel="first"`]
  if (nextCursor !== null) {
    const next = new URLSearchParams(ctx.rawQuery)
    next.set('cursor', nextCursor)
    links.push(`<${ctx.path}?${next.toString()}>; rel="next"`)
  }
  return links.join(', ')
}

function pageLink(ctx: AnyContext, target: number, rel: string): string {
  const params = new URLSearchParams(ctx.rawQuery)
  params.set('page', String(target))
  return `<${ctx.path}?${params.toString()}>; rel="${rel}"`
}

/**
 * The number of rows a list matches. `estimated` reads the planner's statistics on
 * PostgreSQL and MySQL for an unfiltered, unscoped list (fast on huge tables); otherwise it counts.
 */
export async function countRows(
  db: Database,
  model: TableModel,
  where: SQL | undefined,
  mode: 'exact' | 'estimated',
  run: <T>(query: PromiseLike<T>) => Promise<T>,
): Promise<number> {
  if (mode === 'estimated' && where === undefined) {
    const estimate = await estimateRows(db, model.name, run)
    if (estimate !== null) return estimate
  }
  const counted = (await run(db.drizzle.select({ total: count() }).from(model.table).where(where))) as Array<{
    total: number | string
  }>
  return Number(counted[0]?.total ?? 0)
}

async function estimateRows(
  db: Database,
  name: string,
  run: <T>(query: PromiseLike<T>) => Promise<T>,
): Promise<number | null> {
  let statement: SQL
  if (db.dialect === 'postgresql') {
    statement = sql`select reltuples::bigint as n from pg_class where oid = to_regclass(${name})`
  } else if (db.dialect === 'mysql') {
    statement = sql`select table_rows as n from information_schema.tables where table_schema = database() and table_name = ${name}`
  } else {
    return null
  }
  const result = await run(db.drizzle.execute(statement))
  // postgres.js answers rows, PGlite `{ rows }`, mysql2 `[rows, fields]`.
  const rows = (
    Array.isArray(result)
      ? Array.isArray(result[0])
        ? result[0]
        : result
      : (result as { rows: unknown[] }).rows
  ) as Array<{ n: unknown }>
  const estimate = Number(rows[0]?.n ?? -1)
  // A table never analyzed has no estimate (-1 on PostgreSQL): count instead.
  return Number.isFinite(estimate) && estimate >= 0 ? estimate : null
}
