/**
 * Query templates: a list query's filters with every value taken out into a list and replaced
 * by a numbered `Slot`, and a key naming what is left (the query's shape). Queries of one shape
 * compile to the same SQL, so saker/crud compiles each shape once and runs it with each
 * request's values.
 */
import { type DriverValueEncoder, Param, Placeholder } from 'drizzle-orm'
import type { Filter } from './ast.ts'

/** Where a value was: the index of the value in the template's list. */
export class Slot {
  constructor(readonly index: number) {}

  /** Keys show the slot, not the value. */
  toJSON(): string {
    return `$${this.index}`
  }
}

/**
 * The numbered placeholder of a prepared read: the `index`th value, mapped to the driver's form
 * by `encoder` (a column) as Drizzle maps a plain value.
 */
export function placeholder(index: number, encoder: DriverValueEncoder<unknown, unknown>): Param {
  return new Param(new Placeholder(String(index)), encoder)
}

/**
 * Takes the values out of `filters` (appending them to `values`, in order) and answers the
 * filters with `Slot`s in their place. `JSON.stringify` of the result is the shape's key.
 */
export function templateOf(filters: readonly Filter[], values: unknown[]): Filter[] {
  const template: Filter[] = new Array(filters.length)
  for (let i = 0; i < filters.length; i++) template[i] = slotted(filters[i] as Filter, values)
  return template
}

function slotted(filter: Filter, values: unknown[]): Filter {
  switch (filter.kind) {
    case 'value': {
      const value = filter.value
      let slots: unknown = null
      if (Array.isArray(value)) slots = value.map((item) => new Slot(values.push(item) - 1))
      else if (value !== null) slots = new Slot(values.push(value) - 1)
      return { kind: 'value', field: filter.field, op: filter.op, value: slots }
    }
    case 'column':
      return filter
    case 'relation':
      return {
        kind: 'relation',
        relation: filter.relation,
        filter: filter.filter === undefined ? undefined : slotted(filter.filter, values),
      }
    case 'and':
    case 'or':
      return { kind: filter.kind, filters: templateOf(filter.filters, values) }
    case 'not':
      return { kind: 'not', filter: slotted(filter.filter, values) }
  }
}
