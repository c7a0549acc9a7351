/**
 * The list query AST: what `parseListQuery` makes of a request's query string, in either form,
 * and what `compileFilters` / `compileOrder` turn into Drizzle SQL. Plain data (no SQL, no
 * functions), so hooks can read and extend it and tests can compare it.
 */

/** The canonical operators; `operators.ts` maps every alias (`==`, `equals`, `geq`, ...) to one of these. */
export type Operator =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'lt'
  | 'gte'
  | 'lte'
  | 'in'
  | 'not_in'
  | 'is_null'
  | 'is_not_null'
  | 'like'
  | 'ilike'
  | 'not_like'
  | 'between'
  | 'has'
  | 'any'

/** The operators that test a field's value (all but the relation operators `has` and `any`). */
export type ValueOperator = Exclude<Operator, 'has' | 'any'>

/** The operators that can compare two fields (`{"name": a, "op": o, "field": b}`). */
export type ColumnOperator = 'eq' | 'ne' | 'gt' | 'lt' | 'gte' | 'lte'

/** A field's value is compared with a value, already coerced to the field's type. */
export interface ValueFilter {
  kind: 'value'
  /** The field (a key of the table's columns) of the catalog in scope. */
  field: string
  op: ValueOperator
  /**
   * `null` for `is_null` / `is_not_null`; an array for `in` / `not_in`; a pair for `between`;
   * otherwise one value (a number, string, boolean, bigint or Date, as the column stores it).
   */
  value: unknown
}

/** Two fields of the same table compared with each other. */
export interface ColumnFilter {
  kind: 'column'
  field: string
  op: ColumnOperator
  other: string
}

/**
 * Some related row exists (`any` on a to-many relation, `has` on a to-one relation), for which
 * `filter` holds when given. A filter on `relation__field` / `relation.field` parses to this too.
 */
export interface RelationFilter {
  kind: 'relation'
  relation: string
  /** Evaluated against the related table's catalog; `undefined`: any related row will do. */
  filter: Filter | undefined
}

export interface AndFilter {
  kind: 'and'
  filters: Filter[]
}

export interface OrFilter {
  kind: 'or'
  filters: Filter[]
}

export interface NotFilter {
  kind: 'not'
  filter: Filter
}

export type Filter = ValueFilter | ColumnFilter | RelationFilter | AndFilter | OrFilter | NotFilter

/** One sort key: a field of the table, or of a to-one related table when `path` names relations. */
export interface SortKey {
  /** Relation names leading to the field's table; `[]` for the table's own fields. */
  path: string[]
  field: string
  direction: 'asc' | 'desc'
}

/** The count strategies a client may ask for with `?count=`. */
export type CountMode = 'exact' | 'estimated' | 'none'

/**
 * A parsed list query. Every member is always present (`undefined` when the request did not
 * give it), so two queries that mean the same compare equal.
 */
export interface ListQuery {
  /** ANDed; `[]` filters nothing. */
  filters: Filter[]
  /** `[]`: the resource's default order. */
  sort: SortKey[]
  /** Sparse fieldset of the listed rows (`fields=id,email`); `undefined`: every readable field. */
  fields: string[] | undefined
  /** Relations to embed, as dotted paths (`lists`, `lists.owner`), validated against the catalog. */
  include: string[] | undefined
  /** Sparse fieldsets of included relations (`fields[lists]=id,name`), keyed by dotted path. */
  includeFields: Record<string, string[]> | undefined
  /** 1-based page number (`page=`). */
  page: number | undefined
  /** Page size asked for (`results_per_page=`); the resource caps it at its maximum. */
  resultsPerPage: number | undefined
  /** `q`'s `limit`; never given together with `page` / `results_per_page`. */
  limit: number | undefined
  /** `q`'s `offset`. */
  offset: number | undefined
  /** The opaque keyset cursor (`cursor=`), decoded by the resource. */
  cursor: string | undefined
  count: CountMode | undefined
}
