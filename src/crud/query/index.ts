/** The list query language of saker/crud: parse a request's query, compile it to Drizzle SQL. */
export type {
  AndFilter,
  ColumnFilter,
  ColumnOperator,
  CountMode,
  Filter,
  ListQuery,
  NotFilter,
  Operator,
  OrFilter,
  RelationFilter,
  SortKey,
  ValueFilter,
  ValueOperator,
} from './ast.ts'
export {
  type CatalogOptions,
  type ColumnRef,
  catalogOf,
  type FieldCatalog,
  type FieldInfo,
  type FieldType,
  type RelationInfo,
  type RelationSpec,
  type ValueKind,
} from './catalog.ts'
export { compileFilters, compileOrder } from './compile.ts'
export { OPERATOR_ALIASES, operatorOf } from './operators.ts'
export { parseListQuery, type RawQuery } from './parse.ts'
export { MAX_DEPTH, MAX_INTEGER } from './parse-json.ts'
export { INVALID_QUERY } from './query-error.ts'
