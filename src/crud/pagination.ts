/** Pages of a list: the envelope schema, the `Link` header and the count strategies. */
import { type TObject, type TSchema, Type } from '@sinclair/typebox'
import type { Database } from './database.ts'
import type { AnyContext } from './options.ts'

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
  const [before, after] = pageUrlParts(ctx)
  let links = `<${before}1${after}>; rel="first"`
  if (page > 1) {
    const previous = totalPages === null ? page - 1 : Math.min(page - 1, Math.max(totalPages, 1))
    links += `, <${before}${previous}${after}>; rel="prev"`
  }
  if (hasNext) links += `, <${before}${page + 1}${after}>; rel="next"`
  if (totalPages !== null) links += `, <${before}${Math.max(totalPages, 1)}${after}>; rel="last"`
  return links
}

const PAGE_MARK = 'page=%00'
/** `key=value` pairs of letters, digits, `_`, `.` and `-` only: what URLSearchParams writes as it is. */
const PLAIN_QUERY = /^(?:[\w.-]+=[\w.-]*(?:&|$))*$/

/**
 * A page's URL is the request's with `page` set (where it was, else last): the parts before and
 * after the page number, the query encoded once for all the links.
 */
function pageUrlParts(ctx: AnyContext): [string, string] {
  const raw = ctx.rawQuery
  let parts: string[]
  let at: number
  if (PLAIN_QUERY.test(raw)) {
    // PERF: a plain query (`page=3&results_per_page=20`) is kept as sent, as URLSearchParams would write it.
    parts = []
    at = -1
    for (const part of raw.split('&')) {
      if (part === '') continue
      if (!part.startsWith('page=')) parts.push(part)
      else if (at === -1) at = parts.push(PAGE_MARK) - 1
    }
    if (at === -1) at = parts.push(PAGE_MARK) - 1
  } else {
    const params = new URLSearchParams(raw)
    params.set('page', '\0')
    // Keys and values are encoded, so the one `page=%00` part is the mark.
    parts = params.toString().split('&')
    at = parts.indexOf(PAGE_MARK)
  }
  const before = `${ctx.path}?${parts.slice(0, at).join('&')}${at > 0 ? '&' : ''}page=`
  const after = at < parts.length - 1 ? `&${parts.slice(at + 1).join('&')}` : ''
  return [before, after]
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

/**
 * The planner's estimate of a table's rows on PostgreSQL and MySQL (fast on huge tables, for
 * `count: 'estimated'` on an unfiltered list); `null` where there is none (SQLite, a table never analyzed).
 */
export async function estimateRows(
  db: Database,
  name: string,
  run: <T>(query: PromiseLike<T>) => Promise<T>,
): Promise<number | null> {
  const text = ESTIMATES[db.dialect]
  if (text === undefined) return null
  const rows = await run(db.readRows(text, [name]))
  const estimate = Number(rows[0]?.[0] ?? -1)
  // A table never analyzed has no estimate (-1 on PostgreSQL): count instead.
  return Number.isFinite(estimate) && estimate >= 0 ? estimate : null
}

const ESTIMATES: Partial<Record<Database['dialect'], string>> = {
  postgresql: 'select reltuples::bigint from pg_class where oid = to_regclass($1)',
  mysql:
    'select table_rows from information_schema.tables where table_schema = database() and table_name = ?',
}
