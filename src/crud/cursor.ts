/**
 * Keyset (cursor) pagination: the next page starts after the last row's sort values, so rows
 * inserted or deleted meanwhile never make a page repeat or skip a row (OFFSET would).
 * The cursor is opaque to clients: base64url JSON of the sort and the last row's values.
 */
import { HttpError } from '../errors.ts'
import type { Row } from './options.ts'
import type { FieldCatalog, Filter, SortKey } from './query/index.ts'

interface Token {
  /** The sort the cursor was made for (`-last_name,id`): a cursor is only valid for that sort. */
  s: string
  /** The last row's values of the sort keys, JSON-safe. */
  v: unknown[]
}

function invalid(detail: string): HttpError {
  return new HttpError(400, detail, {
    code: 'INVALID_QUERY',
    errors: [{ in: 'query', path: '/cursor', message: detail }],
  })
}

/** The sort as text, to tie a cursor to it. */
export function sortSpec(keys: readonly SortKey[]): string {
  return keys.map((key) => `${key.direction === 'desc' ? '-' : ''}${key.field}`).join(',')
}

/** Keyset pagination needs every sort key to be a non-null column of the table itself. */
export function checkKeysetSort(keys: readonly SortKey[], catalog: FieldCatalog): void {
  for (const key of keys) {
    const field = catalog.fields.get(key.field)
    if (key.path.length > 0 || field === undefined || field.nullable) {
      throw invalid(`cursor pagination cannot sort on "${key.field}": sort on columns that are never null`)
    }
  }
}

/** The cursor after `row`. */
export function encodeCursor(keys: readonly SortKey[], row: Row): string {
  const values = keys.map((key) => {
    const value = row[key.field]
    return value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? value.toString() : value
  })
  return Buffer.from(JSON.stringify({ s: sortSpec(keys), v: values } satisfies Token)).toString('base64url')
}

function decode(cursor: string, keys: readonly SortKey[]): unknown[] {
  let token: Token
  try {
    token = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Token
  } catch {
    throw invalid('cursor is not one this API made')
  }
  if (
    token === null ||
    typeof token !== 'object' ||
    !Array.isArray(token.v) ||
    token.v.length !== keys.length
  ) {
    throw invalid('cursor is not one this API made')
  }
  if (token.s !== sortSpec(keys))
    throw invalid('cursor was made for another sort; keep the sort while paging')
  return token.v
}

/** Turns a cursor value back into what the column compares with. */
function columnValue(catalog: FieldCatalog, key: SortKey, value: unknown): unknown {
  const field = catalog.fields.get(key.field)
  if (field === undefined) return value
  if (field.kind === 'date-time' || field.kind === 'date') {
    const date = new Date(String(value))
    if (Number.isNaN(date.getTime())) throw invalid('cursor is not one this API made')
    return date
  }
  if (field.kind === 'bigint') return BigInt(String(value))
  return value
}

/**
 * The filter "after the cursor" in the sort order: for keys k1..kn with values v1..vn,
 * (k1 > v1) or (k1 = v1 and k2 > v2) or ..., with < for descending keys.
 */
export function afterCursor(cursor: string, keys: readonly SortKey[], catalog: FieldCatalog): Filter {
  const values = decode(cursor, keys).map((value, index) =>
    columnValue(catalog, keys[index] as SortKey, value),
  )
  const branches: Filter[] = []
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as SortKey
    const terms: Filter[] = keys
      .slice(0, i)
      .map((earlier, j) => ({ kind: 'value', field: earlier.field, op: 'eq', value: values[j] }))
    terms.push({
      kind: 'value',
      field: key.field,
      op: key.direction === 'desc' ? 'lt' : 'gt',
      value: values[i],
    })
    branches.push({ kind: 'and', filters: terms })
  }
  return { kind: 'or', filters: branches }
}
