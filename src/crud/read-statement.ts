/**
 * A read compiled once: the SQL text of a Drizzle query, how to bind its placeholders and how
 * to decode its rows. Running one builds no query: it binds the values, runs the text through
 * `Database.readRows` (a prepared statement) and decodes the rows with the columns' own mappers.
 * `prepareWrite` runs writes through it too, with no rows to decode.
 */
import {
  Column,
  type DriverValueDecoder,
  type DriverValueEncoder,
  is,
  noopDecoder,
  Param,
  Placeholder,
  SQL,
} from 'drizzle-orm'
import type { Database } from './database.ts'
import type { Row } from './options.ts'

/** What a Drizzle query (select, or anything with `toSQL()`) gives. */
export interface CompiledQuery {
  toSQL(): { sql: string; params: unknown[] }
}

/** A parameter of the text: a value given at run time (a placeholder), or a constant. */
interface Binding {
  /** Where `run()`'s values hold it: an index (a numbered placeholder) or a key; `null` for a constant. */
  slot: number | string | null
  encoder: DriverValueEncoder<unknown, unknown> | undefined
  constant: unknown
}

type Decoder = DriverValueDecoder<unknown, unknown>

/** A read's placeholder values: a list for numbered placeholders, or an object by name. */
export type Values = readonly unknown[] | Readonly<Record<string, unknown>>

export class ReadStatement {
  readonly #db: Database
  readonly #text: string
  readonly #bindings: Binding[]
  readonly #keys: string[]
  /** Per column, its decoder; `null` where the driver's value is the field's (no call made). */
  readonly #decoders: (Decoder | null)[]

  /**
   * @param query a Drizzle select whose values to vary are placeholders (`placeholder(i, column)`,
   *   or `sql.placeholder(name)`), each naming an index or key of `run()`'s values.
   * @param fields the query's selection, in order: row keys, and columns or SQL that decode.
   */
  constructor(db: Database, query: CompiledQuery, fields: Record<string, unknown>) {
    // NOTE: `fields` may be fewer than the query's columns: the rest are read by `runCounted`.
    const { sql: text, params } = query.toSQL()
    this.#db = db
    this.#text = text
    this.#bindings = params.map(bindingOf)
    this.#keys = Object.keys(fields)
    this.#decoders = this.#keys.map((key) => decoderOf(fields[key]))
  }

  /** Runs the read with `values` for its slots; rows come back keyed and decoded as Drizzle would. */
  run(values: Values): Promise<Row[]> {
    // PERF: a chained decode, bound once, rather than one more async frame per read.
    return this.#db.readRows(this.#text, this.#bind(values)).then(this.#decode)
  }

  /** Runs the statement for its effect (a write run by `prepareWrite`): nothing to decode. */
  execute(values: Values): Promise<unknown> {
    return this.#db.readRows(this.#text, this.#bind(values))
  }

  /**
   * Runs a read whose one column past `fields` holds the same number on every row (a count
   * by a scalar subquery): the rows, and that number (`null` without rows to carry it).
   */
  async runCounted(values: Values): Promise<{ rows: Row[]; total: number | null }> {
    const raw = await this.#db.readRows(this.#text, this.#bind(values))
    const first = raw[0]
    return { rows: this.#decode(raw), total: first === undefined ? null : Number(first[this.#keys.length]) }
  }

  #bind(values: Values): unknown[] {
    const bindings = this.#bindings
    const params: unknown[] = new Array(bindings.length)
    for (let i = 0; i < bindings.length; i++) {
      const binding = bindings[i] as Binding
      if (binding.slot === null) {
        params[i] = binding.constant
        continue
      }
      const value = (values as Record<number | string, unknown>)[binding.slot]
      params[i] =
        value === null || binding.encoder === undefined ? value : binding.encoder.mapToDriverValue(value)
    }
    return params
  }

  readonly #decode = (raw: unknown[][]): Row[] => {
    const keys = this.#keys
    const decoders = this.#decoders
    const rows: Row[] = new Array(raw.length)
    for (let r = 0; r < raw.length; r++) {
      const values = raw[r] as unknown[]
      const row: Row = {}
      for (let i = 0; i < keys.length; i++) {
        const value = values[i]
        const decoder = decoders[i] as Decoder | null
        row[keys[i] as string] =
          value === null || value === undefined
            ? null
            : decoder === null
              ? value
              : decoder.mapFromDriverValue(value)
      }
      rows[r] = row
    }
    return rows
  }
}

function bindingOf(param: unknown): Binding {
  if (is(param, Param) && is(param.value, Placeholder)) {
    return { slot: slotOf(param.value.name), encoder: param.encoder, constant: undefined }
  }
  if (is(param, Placeholder)) return { slot: slotOf(param.name), encoder: undefined, constant: undefined }
  return { slot: null, encoder: undefined, constant: param }
}

/** A placeholder named by a number indexes a list of values; any other name is a key. */
function slotOf(name: string): number | string {
  const index = Number(name)
  return Number.isInteger(index) && index >= 0 ? index : name
}

/**
 * What turns a driver value into the field's value, as Drizzle's own row mapping picks it;
 * `null` where nothing does (the driver's value is the field's), so rows skip the call.
 */
function decoderOf(field: unknown): Decoder | null {
  let decoder: Decoder | undefined
  if (is(field, Column)) decoder = field
  // NOTE: `decoder` (set by `.mapWith()`) is marked internal in Drizzle's types.
  else if (is(field, SQL)) decoder = (field as unknown as { decoder?: Decoder }).decoder
  else if (is(field, SQL.Aliased)) decoder = (field.sql as unknown as { decoder?: Decoder }).decoder
  if (
    decoder === undefined ||
    decoder.mapFromDriverValue === noopDecoder.mapFromDriverValue ||
    decoder.mapFromDriverValue === Column.prototype.mapFromDriverValue
  ) {
    return null
  }
  return decoder
}

/** A read compiled once by `prepareRead`. */
export interface PreparedRead<R> {
  /** Runs the read with its placeholders' values (by name); the rows, decoded as the select's own. */
  run(values?: Readonly<Record<string, unknown>>): Promise<R[]>
}

/** A Drizzle select, as `prepareRead` takes it. */
interface Select extends CompiledQuery, PromiseLike<readonly unknown[]> {
  readonly _: { readonly selectedFields: Record<string, unknown> }
}

const NO_VALUES = {}

/**
 * Compiles a Drizzle select once, for reads on a hot path: each run binds the values of its
 * `sql.placeholder(name)`s and sends the SQL text built here, as a prepared statement on
 * PostgreSQL and a compiled one on SQLite (Drizzle builds a query's text on every run, and its
 * postgres.js driver describes it first: two round trips). The selection must be flat (columns
 * or SQL, no nested objects); values go to the driver as they are.
 *
 * @example
 * const worldById = prepareRead(db, db.drizzle.select().from(world).where(eq(world.id, sql.placeholder('id'))))
 * const [row] = await worldById.run({ id: 42 }) // typed as the select's row
 */
export function prepareRead<Q extends Select>(db: Database, query: Q): PreparedRead<Awaited<Q>[number]> {
  const fields = query._.selectedFields
  for (const [key, field] of Object.entries(fields)) {
    if (!is(field, Column) && !is(field, SQL) && !is(field, SQL.Aliased)) {
      throw new TypeError(`prepareRead takes a flat selection: "${key}" is not a column or SQL`)
    }
  }
  const statement = new ReadStatement(db, query, fields)
  return { run: (values = NO_VALUES) => statement.run(values) as Promise<Awaited<Q>[number][]> }
}
