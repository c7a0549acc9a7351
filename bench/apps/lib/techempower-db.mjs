// TechEmpower's database tests and the members queries on postgres.js (pool of 10, as saker's),
// for the hand-written Node peers.
import postgres from 'postgres'
import { clampCount, techempowerQueries } from './techempower-queries.mjs'

export const sql = postgres(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', {
  max: 10,
})

export { clampCount }
export const { readWorld, readWorlds, cachedWorlds, updateWorlds, fortunesPage } = techempowerQueries({
  readRow: (id) =>
    sql`select id, randomnumber as "randomNumber" from world where id = ${id}`.then((rows) => rows[0]),
  readFortunes: () => sql`select id, message from fortune`,
  writeNumbers: (pairs) =>
    sql`update world set randomnumber = (v.n)::int from (values ${sql(pairs)}) as v(id, n) where world.id = (v.id)::int`,
})

/** The members list page (`size` rows from `offset`, by id) and the table's row count, together. */
export const membersPage = (size, offset) =>
  Promise.all([
    sql`select id, first_name, last_name, email from bench_members order by id limit ${size} offset ${offset}`,
    sql`select count(*)::int as total from bench_members`.then((rows) => rows[0].total),
  ])

/** One member, or undefined. */
export const member = (id) =>
  sql`select id, first_name, last_name, email from bench_members where id = ${id}`.then((rows) => rows[0])
