/** The public surface of `saker/crud`: Drizzle tables as REST resources. */
export { connectDatabase } from './connect.ts'
export { type CrudHooks, type CrudOperation, type CrudOptions, crud } from './crud.ts'
export type { Database, Dialect, DriverName } from './database.ts'
export { type PreparedRead, prepareRead } from './read-statement.ts'
export type { FieldSelection } from './schemas.ts'
export { type PreparedWrite, prepareWrite } from './write-statement.ts'
