import type { ColumnOperator, Operator } from './ast.ts'

/** Every spelling users know (Flask-RESTless's names and symbols) of each canonical operator. */
const ALIASES: Record<Operator, readonly string[]> = {
  eq: ['==', 'eq', 'equals', 'equal_to'],
  ne: ['!=', 'ne', 'neq', 'not_equal_to', 'does_not_equal'],
  gt: ['>', 'gt'],
  lt: ['<', 'lt'],
  gte: ['>=', 'ge', 'gte', 'geq'],
  lte: ['<=', 'le', 'lte', 'leq'],
  in: ['in'],
  not_in: ['not_in'],
  is_null: ['is_null'],
  is_not_null: ['is_not_null'],
  like: ['like'],
  ilike: ['ilike'],
  not_like: ['not_like'],
  between: ['between'],
  has: ['has'],
  any: ['any'],
}

const OPERATORS = new Map<string, Operator>()
for (const [op, names] of Object.entries(ALIASES) as [Operator, readonly string[]][]) {
  for (const name of names) OPERATORS.set(name, op)
}

/** The canonical operator of a spelling (`'>='` and `'geq'` give `'gte'`), or `undefined`. */
export function operatorOf(name: string): Operator | undefined {
  return OPERATORS.get(name)
}

const COLUMN_OPERATORS: ReadonlySet<string> = new Set<ColumnOperator>(['eq', 'ne', 'gt', 'lt', 'gte', 'lte'])

/** Whether an operator can compare two fields (`{"name": a, "op": o, "field": b}`). */
export function isColumnOperator(op: Operator): op is ColumnOperator {
  return COLUMN_OPERATORS.has(op)
}

/** Every spelling of every operator, for docs and OpenAPI. */
export const OPERATOR_ALIASES: Readonly<Record<Operator, readonly string[]>> = ALIASES
