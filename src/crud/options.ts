import type { TSchema } from '@sinclair/typebox'
import type { SQL } from 'drizzle-orm'
import type { Context } from '../context.ts'
import type { RelationSpec } from './query/index.ts'
import type { FieldSelection } from './schemas.ts'

/** The operations `crud()` can serve, each answering one method on the collection or an item. */
export type CrudOperation =
  | 'list'
  | 'get'
  | 'create'
  | 'replace'
  | 'update'
  | 'delete'
  | 'updateMany'
  | 'deleteMany'

/** A row as the API sees it: readable fields by key. */
export type Row = Record<string, unknown>
export type AnyContext = Context<any>
type MaybePromise<T> = T | Promise<T>

/**
 * Hooks around each operation, Flask-RESTless's processors. A `before` hook may change what
 * is written (return new data) or stop the request by throwing an `HttpError`; an `after`
 * hook may replace the row(s) sent back.
 */
export interface CrudHooks {
  beforeList?: (ctx: AnyContext) => MaybePromise<void>
  afterList?: (ctx: AnyContext, rows: Row[]) => MaybePromise<Row[] | undefined>
  beforeGet?: (ctx: AnyContext) => MaybePromise<void>
  afterGet?: (ctx: AnyContext, row: Row) => MaybePromise<Row | undefined>
  beforeCreate?: (ctx: AnyContext, data: Row) => MaybePromise<Row | undefined>
  afterCreate?: (ctx: AnyContext, row: Row) => MaybePromise<Row | undefined>
  beforeUpdate?: (ctx: AnyContext, data: Row) => MaybePromise<Row | undefined>
  afterUpdate?: (ctx: AnyContext, row: Row) => MaybePromise<Row | undefined>
  beforeDelete?: (ctx: AnyContext) => MaybePromise<void>
  afterDelete?: (ctx: AnyContext) => MaybePromise<void>
}

/** Options of `crud()`. */
export interface CrudOptions {
  /** Which methods exist (default: all); the others answer 405. */
  methods?: Array<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>
  /** Readable columns (default: all). */
  read?: FieldSelection
  /** Writable columns (default: all but generated primary keys and `readOnly`). */
  write?: FieldSelection
  /** Columns clients may read but never set (e.g. `created_at`). */
  readOnly?: string[]
  /** Extra validation per field, on top of the column's type (e.g. `email: t.String({ format: 'email' })`). */
  validate?: Record<string, TSchema>
  /** Page size when the client asks for none (default 10, or `maxPageSize` if smaller). */
  pageSize?: number
  /** The largest page a client may ask for (default 100); lists are never unbounded. */
  maxPageSize?: number
  hooks?: CrudHooks
  /**
   * Access control per operation: return `false` to refuse (403), or throw an `HttpError`
   * (e.g. 401 for "sign in first").
   */
  access?: Partial<Record<CrudOperation, (ctx: AnyContext) => MaybePromise<boolean>>>
  /**
   * Row scoping: a condition added to every read, update and delete (e.g. rows of the current
   * user). A row outside the scope is 404, never 403: its existence is not revealed.
   */
  scope?: (ctx: AnyContext) => SQL | undefined
  /**
   * Bulk writes, opt-in: with `create`, a POST may send an array of rows, written in one statement
   * (all or nothing; validation errors name the item, e.g. `/2/email`), answered 201
   * `{ num_created, objects }`. `max` caps the items of one request (default 1000).
   * With `update` / `delete` (Flask-RESTless's `allow_patch_many` / `allow_delete_many`),
   * PATCH / DELETE on the collection change every row its filters match (a filter is required),
   * answering `{ num_modified }` / `{ num_deleted }`.
   */
  bulk?: { create?: boolean; update?: boolean; delete?: boolean; max?: number }
  /**
   * `pages` (default: `?page=`, with `?cursor=` available too) or `cursor`: keyset pagination only,
   * following `Link rel="next"` (and `next_cursor`), which never repeats or skips a row while rows
   * are inserted or deleted. Cursor lists count nothing unless `count` says so.
   */
  pagination?: 'pages' | 'cursor'
  /**
   * How lists count their rows (a client may ask for another with `?count=`): `exact` (default),
   * `estimated` (the planner's statistics on PostgreSQL and MySQL for unfiltered lists; exact
   * otherwise) or `none` (no count: `num_results` and `total_pages` are null; `next` still works).
   */
  count?: 'exact' | 'estimated' | 'none'
  /**
   * Related tables, for filters on their fields (`lists.name=x`, `has`, `any`) and for
   * `include=` (embedded with one query per relation, never one per row).
   */
  relations?: Record<string, RelationSpec>
  /** OpenAPI tags of the generated routes (default: the table name). */
  tags?: string[]
  /**
   * The OpenAPI component name of the row (default: the table's name, capitalized); the
   * write schemas add `Input` and `Patch`. Give one when a table is served twice with other fields.
   */
  name?: string
}
