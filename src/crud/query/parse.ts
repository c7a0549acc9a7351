/**
 * `parseListQuery`: a list request's query string, in the JSON form (`q`, parse-json.ts), the
 * short form (parse-short.ts) or both, checked against the catalog and turned into a `ListQuery`.
 *
 * Reserved parameters: `q`, `sort=-last_name,first_name` (`-` descending; `owner.email` sorts by a
 * to-one relation's field), `fields=id,email`, `fields[lists]=id,name` (an included relation's
 * fields), `include=lists,lists.owner`, `page=2`, `results_per_page=10`, `cursor=...`,
 * `count=exact|estimated|none`. Every other parameter is a short-form filter. `q`'s filters and
 * the short form's are ANDed; `q`'s `order_by` and `sort`, and `q`'s `limit`/`offset` and
 * `page`/`results_per_page`, cannot be mixed.
 */
import type { CountMode, ListQuery } from './ast.ts'
import type { FieldCatalog } from './catalog.ts'
import { MAX_INTEGER, parseQ } from './parse-json.ts'
import { shortFilters } from './parse-short.ts'
import { invalidQuery, pointerToken } from './query-error.ts'
import { includedCatalog, segmentsOf, sortKey } from './resolve.ts'

/** A request's parsed query string (`ctx.query`). */
export type RawQuery = Record<string, string | string[] | undefined>

const DIGITS = /^\d{1,10}$/
const INCLUDE_FIELDS = /^fields\[([^[\]]+)\]$/
const COUNT_MODES: readonly string[] = ['exact', 'estimated', 'none'] satisfies CountMode[]

/**
 * Parses a list request's query; a problem is a 400 `INVALID_QUERY` naming it.
 *
 * @example
 * const query = parseListQuery({ 'email[like]': '%@example.com', sort: '-last_name' }, catalog)
 * const where = compileFilters(query.filters, catalog, 'postgresql')
 */
export function parseListQuery(raw: RawQuery, catalog: FieldCatalog): ListQuery {
  const query: ListQuery = {
    filters: [],
    sort: [],
    fields: undefined,
    include: undefined,
    includeFields: undefined,
    page: undefined,
    resultsPerPage: undefined,
    limit: undefined,
    offset: undefined,
    cursor: undefined,
    count: undefined,
  }
  if (raw.q !== undefined) parseQ(raw.q, catalog, query)
  let sort: string | undefined
  let fields: string | undefined
  let include: string | undefined
  let includeFieldKeys: string[] | undefined
  for (const key in raw) {
    const value = raw[key]
    if (value === undefined) continue
    switch (key) {
      case 'q':
        break
      case 'sort':
        sort = joined(value)
        break
      case 'fields':
        fields = joined(value)
        break
      case 'include':
        include = joined(value)
        break
      case 'page':
        query.page = integerParam(value, key, 1)
        break
      case 'results_per_page':
        query.resultsPerPage = integerParam(value, key, 1)
        break
      case 'cursor':
        query.cursor = single(value, key)
        if (query.cursor === '') throw invalidQuery('/cursor', 'cursor is empty')
        break
      case 'count': {
        const mode = single(value, key)
        if (!COUNT_MODES.includes(mode))
          throw invalidQuery('/count', 'count must be exact, estimated or none')
        query.count = mode as CountMode
        break
      }
      default:
        if (INCLUDE_FIELDS.test(key)) (includeFieldKeys ??= []).push(key)
        else shortFilters(key, value, catalog, query.filters)
    }
  }
  if (sort !== undefined) {
    if (query.sort.length > 0) throw invalidQuery('/sort', "sort and q's order_by cannot both be given")
    parseSort(sort, catalog, query)
  }
  if (fields !== undefined) query.fields = fieldList(fields, catalog, '/fields', 'fields')
  if (include !== undefined) query.include = includeList(include, catalog)
  if (includeFieldKeys !== undefined) parseIncludeFields(includeFieldKeys, raw, catalog, query)
  checkPaging(query)
  return query
}

function joined(value: string | string[]): string {
  return typeof value === 'string' ? value : value.join(',')
}

function single(value: string | string[], name: string): string {
  if (typeof value !== 'string') throw invalidQuery(`/${name}`, `${name} is given more than once`)
  return value
}

function integerParam(value: string | string[], name: string, min: number): number {
  const text = single(value, name)
  const n = DIGITS.test(text) ? Number(text) : Number.NaN
  if (n >= min && n <= MAX_INTEGER) return n
  throw invalidQuery(`/${name}`, `${name} must be an integer from ${min} to ${MAX_INTEGER}`)
}

/** The trimmed items of a comma-separated parameter; an empty item is a 400. */
function items(value: string, path: string, name: string): string[] {
  const list = value.split(',')
  for (let i = 0; i < list.length; i++) {
    const item = (list[i] as string).trim()
    if (item === '') throw invalidQuery(path, `${name} has an empty item`)
    list[i] = item
  }
  return list
}

function parseSort(value: string, catalog: FieldCatalog, query: ListQuery): void {
  for (const item of items(value, '/sort', 'sort')) {
    const descending = item.charCodeAt(0) === 45 // '-'
    const name = descending || item.charCodeAt(0) === 43 ? item.slice(1) : item // '+'
    query.sort.push(sortKey(catalog, segmentsOf(catalog, name, '.'), name, descending, '/sort'))
  }
}

function fieldList(value: string, catalog: FieldCatalog, path: string, name: string): string[] {
  const list: string[] = []
  for (const item of items(value, path, name)) {
    if (!catalog.fields.has(item)) throw invalidQuery(path, `unknown field "${item}"`)
    if (!list.includes(item)) list.push(item)
  }
  return list
}

function includeList(value: string, catalog: FieldCatalog): string[] {
  const list: string[] = []
  for (const item of items(value, '/include', 'include')) {
    includedCatalog(catalog, item, '/include')
    if (!list.includes(item)) list.push(item)
  }
  return list
}

function parseIncludeFields(keys: string[], raw: RawQuery, catalog: FieldCatalog, query: ListQuery): void {
  const selected: Record<string, string[]> = {}
  for (const key of keys) {
    const path = `/${pointerToken(key)}`
    const relation = (INCLUDE_FIELDS.exec(key) as RegExpExecArray)[1] as string
    const related = includedCatalog(catalog, relation, path)
    const prefix = `${relation}.`
    if (!query.include?.some((included) => included === relation || included.startsWith(prefix))) {
      throw invalidQuery(path, `${key} needs include=${relation}`)
    }
    selected[relation] = fieldList(joined(raw[key] as string | string[]), related, path, key)
  }
  query.includeFields = selected
}

function checkPaging(query: ListQuery): void {
  const paged = query.page !== undefined || query.resultsPerPage !== undefined
  if (paged && (query.limit !== undefined || query.offset !== undefined)) {
    const name = query.page !== undefined ? 'page' : 'results_per_page'
    throw invalidQuery(`/${name}`, `${name} cannot be combined with q's limit and offset`)
  }
  if (query.cursor !== undefined && (query.page !== undefined || query.offset !== undefined)) {
    throw invalidQuery('/cursor', 'cursor cannot be combined with page or offset')
  }
}
